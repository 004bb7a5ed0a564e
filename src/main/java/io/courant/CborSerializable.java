package io.courant;

/**
 * Marker for messages that cross the cluster and are serialized with Jackson CBOR (commands,
 * replies, controller events). The partition log's events and snapshots have a dedicated binary
 * serializer instead.
 */
public interface CborSerializable {}
