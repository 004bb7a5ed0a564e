package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.Serializer;

/** A windowed-key serde whose inner serde may be the application default, resolved when a task starts. */
public record DeferredWindowedSerde(Serde<?> inner) implements Serde<Object> {
  @Override
  public Serializer<Object> serializer() {
    throw new IllegalStateException("resolved by the task");
  }

  @Override
  public Deserializer<Object> deserializer() {
    throw new IllegalStateException("resolved by the task");
  }
}
