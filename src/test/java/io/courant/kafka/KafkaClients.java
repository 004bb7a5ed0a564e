package io.courant.kafka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.Courant;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test node per test class with a Kafka listener on a free port of 127.0.0.1, and real Kafka
 * clients pointed at it: {@code @RegisterExtension static final KafkaClients kafka = new KafkaClients();}
 */
final class KafkaClients implements BeforeAllCallback, AfterAllCallback {
  private final NodeExtension node;
  private KafkaListener listener;

  KafkaClients() {
    this(ConfigFactory.empty());
  }

  /** A node with these settings over the defaults (e.g. {@code courant.kafka.max-frame-bytes}). */
  KafkaClients(Config overrides) {
    this.node = new NodeExtension(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node.beforeAll(context);
    KafkaSettings settings = KafkaSettings.create(node.system().settings().config().getConfig("courant.kafka")).withPort(0);
    listener = KafkaListener.start(node.system(), settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    node.afterAll(context);
  }

  NodeExtension node() {
    return node;
  }

  Courant courant() {
    return node.courant();
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
