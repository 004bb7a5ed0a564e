package io.courant.stream.dsl.internal;

/** Receives every store change of a task, serialized, to persist with the input offsets (or to drop, in the test driver). */
@FunctionalInterface
public interface ChangeLog {
  void changed(String store, Bytes key, byte[] valueOrNull);

  ChangeLog NONE = (store, key, value) -> {};
}
