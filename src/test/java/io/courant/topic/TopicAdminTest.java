package io.courant.topic;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.failure;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.Courant;
import io.courant.client.InvalidConfigurationException;
import io.courant.client.InvalidPartitionsException;
import io.courant.client.InvalidTopicException;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicExistsException;
import io.courant.client.TopicPartition;
import io.courant.client.UnknownTopicOrPartitionException;
import io.courant.testing.NodeExtension;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topic administration through the controller singleton, on a real Cassandra. */
class TopicAdminTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void createsListsAndDescribesTopics() {
    String name = uniqueTopic("admin");
    TopicDescription created = await(node.courant().createTopic(new NewTopic(name, 3, Map.of("retention.ms", "1000"))));
    assertEquals(3, created.partitions());
    assertTrue(await(node.courant().listTopics()).stream().anyMatch(t -> t.name().equals(name)));
    TopicDescription described = await(node.courant().describeTopic(name));
    assertEquals(created.topicId(), described.topicId());
    Map<String, String> configs = await(node.courant().describeConfigs(name));
    assertEquals("1000", configs.get("retention.ms"));
    assertEquals("delete", configs.get("cleanup.policy"));
  }

  @Test
  void aTopicCreatedWithoutACountGetsTheDefault() {
    assertEquals(1, await(node.courant().createTopic(new NewTopic(uniqueTopic("admin"), -1))).partitions());
  }

  @Test
  void rejectsIllegalTopicNames() {
    for (String bad : new String[] {"", ".", "..", "has space", "a/b", "x".repeat(250)}) {
      InvalidTopicException e = failure(InvalidTopicException.class, node.courant().createTopic(new NewTopic(bad, 1)));
      assertTrue(e.getMessage().contains("topic name"), e.getMessage());
    }
  }

  @Test
  void rejectsADuplicateTopic() {
    String name = uniqueTopic("admin");
    await(node.courant().createTopic(new NewTopic(name, 1)));
    failure(TopicExistsException.class, node.courant().createTopic(new NewTopic(name, 1)));
  }

  @Test
  void rejectsBadPartitionCountsAndConfigs() {
    failure(InvalidPartitionsException.class, node.courant().createTopic(new NewTopic(uniqueTopic("admin"), 0)));
    InvalidConfigurationException unknown = failure(InvalidConfigurationException.class,
        node.courant().createTopic(new NewTopic(uniqueTopic("admin"), 1, Map.of("retention.mss", "1"))));
    assertTrue(unknown.getMessage().contains("supported: retention.ms"), unknown.getMessage());
    InvalidConfigurationException badValue = failure(InvalidConfigurationException.class,
        node.courant().createTopic(new NewTopic(uniqueTopic("admin"), 1, Map.of("cleanup.policy", "shred"))));
    assertTrue(badValue.getMessage().contains("delete, compact, or compact,delete"), badValue.getMessage());
  }

  @Test
  void addsPartitionsAndNewOnesAcceptRecords() {
    String name = uniqueTopic("admin");
    await(node.courant().createTopic(new NewTopic(name, 1)));
    assertEquals(4, await(node.courant().createPartitions(name, 4)).partitions());
    failure(InvalidPartitionsException.class, node.courant().createPartitions(name, 2));
    assertEquals(0, await(node.courant().send(ProducerRecord.of(name, "k", "v").withPartition(3))).offset());
  }

  @Test
  void altersConfigsAndPartitionsApplyThem() {
    String name = uniqueTopic("admin");
    await(node.courant().createTopic(new NewTopic(name, 1)));
    await(node.courant().send(ProducerRecord.of(name, "k", "small")));
    await(node.courant().alterConfigs(name, Map.of("max.message.bytes", "100"), Set.of()));
    failure(io.courant.client.RecordTooLargeException.class, node.courant().send(ProducerRecord.of(name, "k", "x".repeat(500))));
    await(node.courant().alterConfigs(name, Map.of(), Set.of("max.message.bytes")));
    assertEquals(1, await(node.courant().send(ProducerRecord.of(name, "k", "x".repeat(500)))).offset());
    failure(InvalidConfigurationException.class, node.courant().alterConfigs(name, Map.of("retention.ms", "-7"), Set.of()));
  }

  @Test
  void aDeletedTopicIsGoneAndItsNameStartsEmptyWhenCreatedAgain() {
    String name = uniqueTopic("admin");
    TopicDescription first = await(node.courant().createTopic(new NewTopic(name, 2)));
    await(node.courant().send(ProducerRecord.of(name, "k", "old").withPartition(0)));
    await(node.courant().deleteTopic(name));
    failure(UnknownTopicOrPartitionException.class, node.courant().describeTopic(name));
    failure(UnknownTopicOrPartitionException.class, node.courant().deleteTopic(name));

    TopicDescription second = await(node.courant().createTopic(new NewTopic(name, 2)));
    assertNotEquals(first.topicId(), second.topicId());
    TopicPartition tp = new TopicPartition(name, 0);
    assertEquals(0L, await(node.courant().latestOffset(tp)));
    assertTrue(await(node.courant().fetch(tp, 0, 1024, Duration.ZERO)).records().isEmpty());
  }
}
