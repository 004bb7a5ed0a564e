package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.UnknownTopicOrPartitionException;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kafka-clients' Admin against a Courant node: topics, configs, offsets, groups, cluster. */
class KafkaAdminTest {
  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients();

  static Admin admin;

  @BeforeAll
  static void connect() {
    admin = kafka.admin();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  private static <T> T get(KafkaFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  private static Throwable failure(KafkaFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void topicsAreCreatedListedDescribedGrownAndDeleted() throws Exception {
    String name = TestNode.uniqueTopic("admin");
    get(admin.createTopics(List.of(new NewTopic(name, 3, (short) 1).configs(Map.of("retention.ms", "3600000")))).all());
    assertTrue(get(admin.listTopics().names()).contains(name));
    assertEquals(3, TestNode.await(kafka.courant().describeTopic(name)).partitions(), "the Java API sees the topic");

    TopicDescription d = get(admin.describeTopics(List.of(name)).allTopicNames()).get(name);
    assertEquals(3, d.partitions().size());
    assertEquals(get(admin.describeCluster().nodes()).iterator().next().id(), d.partitions().get(0).leader().id(),
        "the only node leads");
    java.util.UUID courantId = TestNode.await(kafka.courant().describeTopic(name)).topicId();
    assertEquals(courantId.getMostSignificantBits(), d.topicId().getMostSignificantBits(), "Kafka's topic id is Courant's");

    assertInstanceOf(TopicExistsException.class, failure(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all()));
    assertInstanceOf(InvalidTopicException.class,
        failure(admin.createTopics(List.of(new NewTopic("no/slashes", 1, (short) 1))).all()));

    get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(5))).all());
    assertEquals(5, TestNode.await(kafka.courant().describeTopic(name)).partitions());
    assertEquals(5, get(admin.describeTopics(List.of(name)).allTopicNames()).get(name).partitions().size());

    get(admin.deleteTopics(List.of(name)).all());
    assertFalse(get(admin.listTopics().names()).contains(name));
    TestNode.failure(UnknownTopicOrPartitionException.class, kafka.courant().describeTopic(name));
  }

  @Test
  void topicConfigsAreDescribedAndAlteredIncrementally() throws Exception {
    String name = TestNode.uniqueTopic("configs");
    get(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("retention.ms", "3600000")))).all());
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);

    var config = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
    assertEquals("3600000", config.get("retention.ms").value());
    assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
    assertEquals("delete", config.get("cleanup.policy").value());
    assertTrue(config.get("cleanup.policy").isDefault());

    get(admin.incrementalAlterConfigs(Map.of(resource, List.of(
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
        new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE)))).all());
    config = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
    assertEquals("compact", config.get("cleanup.policy").value());
    assertEquals("604800000", config.get("retention.ms").value(), "a deleted config falls back to the default");
    assertEquals(Map.of("cleanup.policy", "compact"), TestNode.await(kafka.courant().describeTopic(name)).configs());

    assertInstanceOf(InvalidConfigurationException.class, failure(admin.incrementalAlterConfigs(Map.of(resource, List.of(
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "sometimes"), AlterConfigOp.OpType.SET)))).all()));
  }

  @Test
  void offsetsAreListedByEarliestLatestAndTimestamp() throws Exception {
    String name = TestNode.uniqueTopic("offsets");
    get(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all());
    long before = System.currentTimeMillis() - 1;
    try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(name, 0, before + i * 1000L, "k", "v" + i));
      }
      producer.flush();
    }
    TopicPartition tp = new TopicPartition(name, 0);
    assertEquals(0, get(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all()).get(tp).offset());
    assertEquals(10, get(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all()).get(tp).offset());
    var at = get(admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(before + 4500))).all()).get(tp);
    assertEquals(5, at.offset());
    assertEquals(before + 5000, at.timestamp());

    assertEquals(5, get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5))).lowWatermarks().get(tp)).lowWatermark());
    assertEquals(5, get(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all()).get(tp).offset(), "the log start moved");
    assertInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class,
        failure(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(99))).all()), "past the log end");
  }

  @Test
  void theClusterIsThisNode() throws Exception {
    var cluster = admin.describeCluster();
    Collection<org.apache.kafka.common.Node> nodes = get(cluster.nodes());
    assertEquals(1, nodes.size());
    assertEquals(kafka.port(), nodes.iterator().next().port());
    assertEquals("courant", get(cluster.clusterId()));
    assertEquals(nodes.iterator().next().id(), get(cluster.controller()).id());
  }

  @Test
  void consumerGroupsAreListedDescribedAndDeleted() throws Exception {
    String name = TestNode.uniqueTopic("groups");
    get(admin.createTopics(List.of(new NewTopic(name, 2, (short) 1))).all());
    try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>(name, i % 2, "k", "v" + i));
      }
      producer.flush();
    }
    String group = TestNode.uniqueTopic("admin-group");
    try (KafkaConsumer<String, String> consumer = kafka.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
      consumer.subscribe(List.of(name));
      Await.until("the consumer reading and committing everything", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
        consumer.poll(Duration.ofMillis(100));
        consumer.commitSync();
        var committed = consumer.committed(Set.of(new TopicPartition(name, 0), new TopicPartition(name, 1)));
        return committed.values().stream().allMatch(o -> o != null && o.offset() == 10);
      });
      var described = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
      assertEquals(GroupState.STABLE, described.groupState());
      assertEquals(1, described.members().size());
      assertEquals(Set.of(new TopicPartition(name, 0), new TopicPartition(name, 1)),
          described.members().iterator().next().assignment().topicPartitions(), "the assignment the Kafka leader encoded");
      assertTrue(get(admin.listConsumerGroups().all()).stream().anyMatch(g -> g.groupId().equals(group)));
    }
    var offsets = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    assertEquals(10, offsets.get(new TopicPartition(name, 0)).offset());
    assertEquals(Optional.empty(), Optional.ofNullable(offsets.get(new TopicPartition(name, 7))));

    get(admin.deleteConsumerGroupOffsets(group, Set.of(new TopicPartition(name, 1))).all());
    offsets = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    assertEquals(Set.of(new TopicPartition(name, 0)), offsets.keySet(), "partition 1's offset was deleted");

    assertEquals(GroupState.EMPTY, get(admin.describeConsumerGroups(List.of(group)).all()).get(group).groupState());
    get(admin.deleteConsumerGroups(List.of(group)).all());
    assertFalse(get(admin.listConsumerGroups().all()).stream().anyMatch(g -> g.groupId().equals(group)));
  }
}
