package io.courant.stream.dsl.internal;

/** What a KTable node forwards: the key's new and previous value (either may be null). */
public record Change<V>(V newValue, V oldValue) {}
