package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.WindowedSerdes;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.Serializer;
import java.util.function.BiFunction;

/** A windowed-key serde whose inner serde may be the application default, resolved when a task starts. */
public record DeferredWindowedSerde(Serde<?> inner) implements Serde<Object>, DeferredSerde {
  @Override
  public Serializer<Object> serializer() {
    throw new IllegalStateException("resolved by the task");
  }

  @Override
  public Deserializer<Object> deserializer() {
    throw new IllegalStateException("resolved by the task");
  }

  @Override
  public Serde<?> resolve(BiFunction<Serde<?>, Boolean, Serde<Object>> resolver) {
    return WindowedSerdes.sessionWindowedSerdeFrom(resolver.apply(inner, true));
  }
}
