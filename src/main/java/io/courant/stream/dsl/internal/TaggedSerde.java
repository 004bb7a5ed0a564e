package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.SerializationException;
import io.courant.stream.serialization.Serializer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A value tagged with the input it came from, for stores shared by the inputs of a cogroup (each
 * input has its own value type): the input's index (4 bytes), then the value in that input's serde.
 */
public record TaggedSerde(List<Serde<?>> inputs) implements Serde<TaggedSerde.Tagged>, DeferredSerde {
  /** A value of input {@code input}. */
  public record Tagged(int input, Object value) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Serializer<Tagged> serializer() {
    return (topic, t) -> {
      if (t == null) {
        return null;
      }
      byte[] v = ((Serde) inputs.get(t.input())).serializer().serialize(topic, t.value());
      return ByteBuffer.allocate(4 + v.length).putInt(t.input()).put(v).array();
    };
  }

  @Override
  public Deserializer<Tagged> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      int input = ByteBuffer.wrap(bytes).getInt();
      if (input < 0 || input >= inputs.size()) {
        throw new SerializationException("a cogroup store value of input " + input + ", but the cogroup has " + inputs.size() + " inputs", null);
      }
      byte[] v = java.util.Arrays.copyOfRange(bytes, 4, bytes.length);
      return new Tagged(input, inputs.get(input).deserializer().deserialize(topic, v));
    };
  }

  @Override
  public Serde<?> resolve(BiFunction<Serde<?>, Boolean, Serde<Object>> resolver) {
    List<Serde<?>> resolved = new ArrayList<>();
    inputs.forEach(s -> resolved.add(resolver.apply(s, false)));
    return new TaggedSerde(resolved);
  }
}
