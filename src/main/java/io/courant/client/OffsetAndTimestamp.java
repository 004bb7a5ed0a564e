package io.courant.client;

/**
 * The result of a timestamp lookup.
 *
 * @param offset the first offset whose timestamp is at or after the one asked for
 * @param timestamp that record's timestamp
 */
public record OffsetAndTimestamp(long offset, long timestamp) {}
