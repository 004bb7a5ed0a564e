package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.SerializationException;
import io.courant.stream.serialization.Serializer;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;

/**
 * A table update (new and old value) in a repartition topic ({@code KTable.groupBy}), as Kafka's
 * {@code ChangedSerializer}: a flags byte (1: has new, 2: has old), the new value's length, the new
 * value, the old value.
 */
public record ChangeSerde<V>(Serde<V> inner) implements Serde<Change<V>>, DeferredSerde {
  @Override
  public Serializer<Change<V>> serializer() {
    Serializer<V> s = inner.serializer();
    return (topic, change) -> {
      if (change == null) {
        return null;
      }
      byte[] n = change.newValue() == null ? null : s.serialize(topic, change.newValue());
      byte[] o = change.oldValue() == null ? null : s.serialize(topic, change.oldValue());
      ByteBuffer b = ByteBuffer.allocate(5 + (n == null ? 0 : n.length) + (o == null ? 0 : o.length));
      b.put((byte) ((n != null ? 1 : 0) | (o != null ? 2 : 0))).putInt(n == null ? 0 : n.length);
      if (n != null) {
        b.put(n);
      }
      if (o != null) {
        b.put(o);
      }
      return b.array();
    };
  }

  @Override
  public Deserializer<Change<V>> deserializer() {
    Deserializer<V> d = inner.deserializer();
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length < 5) {
        throw new SerializationException("a table update is at least 5 bytes, got " + bytes.length + " in topic '" + topic + "'", null);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte flags = b.get();
      int newLength = b.getInt();
      byte[] n = new byte[newLength];
      b.get(n);
      byte[] o = new byte[b.remaining()];
      b.get(o);
      return new Change<>((flags & 1) != 0 ? d.deserialize(topic, n) : null, (flags & 2) != 0 ? d.deserialize(topic, o) : null);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Serde<?> resolve(BiFunction<Serde<?>, Boolean, Serde<Object>> resolver) {
    return new ChangeSerde(resolver.apply(inner, false));
  }
}
