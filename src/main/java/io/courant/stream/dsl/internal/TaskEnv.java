package io.courant.stream.dsl.internal;

import io.courant.log.Header;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.StateStore;
import io.courant.stream.dsl.TimestampExtractor;
import java.util.List;
import java.util.Map;

/** What a task needs from whoever runs it: the test driver or {@code CourantStreams}. */
public interface TaskEnv {
  String applicationId();

  Serde<?> defaultKeySerde();

  Serde<?> defaultValueSerde();

  TimestampExtractor defaultTimestampExtractor();

  /** Writes an output record; the partition follows the key (murmur2), as Kafka's producer. */
  void send(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers);

  StreamsMetricsImpl metrics();

  long wallClockMs();

  Map<String, StateStore> globalStores();
}
