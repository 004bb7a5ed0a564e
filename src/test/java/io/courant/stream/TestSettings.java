package io.courant.stream;

import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import io.courant.testing.NodeExtension;
import java.time.Duration;

/** Stream settings the tests share: text keys and values, quick heartbeats, short commit intervals. */
final class TestSettings {
  private TestSettings() {}

  /** Consumer settings reading from the earliest offset, in {@code group} (none when null). */
  static ConsumerSettings<String, String> consumer(NodeExtension node, String group) {
    ConsumerSettings<String, String> s = ConsumerSettings.create(node.system(), new StringDeserializer(), new StringDeserializer())
        .withProperty("auto.offset.reset", "earliest")
        .withProperty("heartbeat.interval.ms", "100")
        .withProperty("session.timeout.ms", "3000");
    return group == null ? s : s.withGroupId(group);
  }

  static ProducerSettings<String, String> producer(NodeExtension node) {
    return ProducerSettings.create(node.system(), new StringSerializer(), new StringSerializer());
  }

  static CommitterSettings committer(NodeExtension node) {
    return CommitterSettings.create(node.system()).withMaxInterval(Duration.ofMillis(200));
  }
}
