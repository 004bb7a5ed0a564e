package io.courant.stream.dsl;

import io.courant.stream.serialization.SerializationException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Serdes for {@link Windowed} keys, to write windowed results to a topic, in Kafka's formats: the
 * inner key's bytes then the window start (8 bytes) for time windows; the key's bytes then the end
 * and the start for session windows.
 *
 * <pre>{@code
 * counts.toStream().to("page-views-per-minute",
 *     Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 60_000), Serdes.Long()));
 * }</pre>
 */
public final class WindowedSerdes {
  private WindowedSerdes() {}

  /**
   * Time-windowed keys of windows {@code windowSize} ms long.
   *
   * @param inner the serde of the key inside the window
   * @param windowSize the window size
   * @param <K> the key type
   * @return the serde
   */
  public static <K> Serde<Windowed<K>> timeWindowedSerdeFrom(Serde<K> inner, long windowSize) {
    return Serdes.serdeFrom((topic, w) -> {
      if (w == null) {
        return null;
      }
      byte[] k = inner.serializer().serialize(topic, w.key());
      return ByteBuffer.allocate(k.length + 8).put(k).putLong(w.window().start()).array();
    }, (topic, data) -> {
      if (data == null) {
        return null;
      }
      check(data, 8, topic);
      long start = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
      return new Windowed<>(inner.deserializer().deserialize(topic, Arrays.copyOf(data, data.length - 8)),
          new Window(start, start + windowSize));
    });
  }

  /**
   * Session-windowed keys.
   *
   * @param inner the serde of the key inside the window
   * @param <K> the key type
   * @return the serde
   */
  public static <K> Serde<Windowed<K>> sessionWindowedSerdeFrom(Serde<K> inner) {
    return Serdes.serdeFrom((topic, w) -> {
      if (w == null) {
        return null;
      }
      byte[] k = inner.serializer().serialize(topic, w.key());
      return ByteBuffer.allocate(k.length + 16).put(k).putLong(w.window().end()).putLong(w.window().start()).array();
    }, (topic, data) -> {
      if (data == null) {
        return null;
      }
      check(data, 16, topic);
      ByteBuffer b = ByteBuffer.wrap(data, data.length - 16, 16);
      long end = b.getLong();
      long start = b.getLong();
      return new Windowed<>(inner.deserializer().deserialize(topic, Arrays.copyOf(data, data.length - 16)), new Window(start, end));
    });
  }

  private static void check(byte[] data, int suffix, String topic) {
    if (data.length < suffix) {
      throw new SerializationException("a windowed key needs at least " + suffix + " bytes, got " + data.length + " in topic '" + topic + "'", null);
    }
  }
}
