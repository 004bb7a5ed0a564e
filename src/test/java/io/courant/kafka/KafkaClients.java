package io.courant.kafka;

import io.courant.testing.NodeExtension;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real Kafka clients pointed at a test node's Kafka listener (127.0.0.1, a free port). */
final class KafkaClients {
  private final KafkaListener listener;

  private KafkaClients(KafkaListener listener) {
    this.listener = listener;
  }

  /** Starts a Kafka listener on a free port of the node. */
  static KafkaClients listen(NodeExtension node) {
    KafkaSettings settings = KafkaSettings.create(node.system().settings().config().getConfig("courant.kafka")).withPort(0);
    return new KafkaClients(KafkaListener.start(node.system(), settings));
  }

  String bootstrap() {
    return "127.0.0.1:" + listener.port();
  }

  int port() {
    return listener.port();
  }

  /** A producer with Kafka's default settings (idempotent, acks=all) plus {@code overrides}. */
  KafkaProducer<String, String> producer(Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.putAll(overrides);
    return new KafkaProducer<>(p);
  }

  /** A consumer with Kafka's default settings plus {@code overrides}. */
  KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.putAll(overrides);
    return new KafkaConsumer<>(p);
  }

  Admin admin() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    return Admin.create(p);
  }
}
