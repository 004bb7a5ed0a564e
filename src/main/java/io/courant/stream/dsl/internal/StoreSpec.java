package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;

/**
 * A state store as the topology declares it; serdes may be null until the task resolves the
 * application's defaults.
 */
public record StoreSpec(String name, Type type, Serde<?> keySerde, Serde<?> valueSerde, long windowSizeMs, long retentionMs,
    boolean retainDuplicates) {
  public enum Type { KEY_VALUE, WINDOW, SESSION }

  public static StoreSpec keyValue(String name, Serde<?> keySerde, Serde<?> valueSerde) {
    return new StoreSpec(name, Type.KEY_VALUE, keySerde, valueSerde, 0, 0, false);
  }
}
