package io.courant.group;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.failure;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.GroupIdNotFoundException;
import io.courant.client.InvalidGroupIdException;
import io.courant.client.NewTopic;
import io.courant.client.OffsetSpec;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Committed offsets, lag, reset and delete of consumer groups, on a real Cassandra, across a node restart. */
class GroupOffsetsTest {

  @Test
  void committedOffsetsSurviveARestartAndGiveTheGroupsLag() {
    String topic = uniqueTopic("groups");
    String group = uniqueTopic("billing");
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (TestNode node = TestNode.start()) {
      var courant = node.courant();
      await(courant.createTopic(new NewTopic(topic, 2)));
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        records.add(ProducerRecord.of(topic, null, "r" + i).withPartition(i % 2).withTimestamp(1000L * i));
      }
      await(courant.sendAll(records, Acks.ALL));
      await(courant.commitOffsets(group, Map.of(p0, new OffsetAndMetadata(3, "after r4", -1), p1, OffsetAndMetadata.of(5))));
    }
    try (TestNode node = TestNode.start()) {
      var courant = node.courant();
      Map<TopicPartition, OffsetAndMetadata> committed = await(courant.committedOffsets(group, List.of()));
      assertEquals(3, committed.get(p0).offset());
      assertEquals("after r4", committed.get(p0).metadata());
      assertEquals(5, committed.get(p1).offset());

      GroupLag lag = await(courant.groupLag(group));
      assertEquals(new GroupLag.PartitionLag(3, 5, 2), lag.partitions().get(p0));
      assertEquals(new GroupLag.PartitionLag(5, 5, 0), lag.partitions().get(p1));
      assertEquals(2, lag.totalLag());
      assertEquals(GroupState.EMPTY, await(courant.describeGroup(group)).state());
      assertTrue(await(courant.listGroups()).contains(group));
    }
  }

  @Test
  void anEmptyGroupIsResetToEarliestLatestATimestampOrAnOffsetAndDeleted() {
    String topic = uniqueTopic("groups");
    String group = uniqueTopic("reports");
    TopicPartition p0 = new TopicPartition(topic, 0);
    try (TestNode node = TestNode.start()) {
      var courant = node.courant();
      await(courant.createTopic(new NewTopic(topic, 1)));
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        records.add(ProducerRecord.of(topic, null, "r" + i).withTimestamp(1000L * i));
      }
      await(courant.sendAll(records, Acks.ALL));
      assertEquals(Map.of(p0, 10L), await(courant.resetOffsets(group, List.of(p0), OffsetSpec.latest())));
      assertEquals(Map.of(p0, 0L), await(courant.resetOffsets(group, List.of(p0), OffsetSpec.earliest())));
      assertEquals(Map.of(p0, 4L), await(courant.resetOffsets(group, List.of(p0), OffsetSpec.forTimestamp(3500))));
      assertEquals(Map.of(p0, 10L), await(courant.resetOffsets(group, List.of(p0), OffsetSpec.offset(99))));
      assertEquals(10L, await(courant.committedOffsets(group, List.of(p0))).get(p0).offset());

      await(courant.deleteGroup(group));
      assertFalse(await(courant.listGroups()).contains(group));
      assertTrue(await(courant.committedOffsets(group, List.of())).isEmpty());
      failure(GroupIdNotFoundException.class, courant.deleteGroup(group));
      failure(InvalidGroupIdException.class, courant.commitOffsets("", Map.of(p0, OffsetAndMetadata.of(1))));
    }
  }
}
