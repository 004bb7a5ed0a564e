package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.ErrorCode;
import io.courant.client.TopicPartition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The group coordinator's offsets, with Pekko's test kit (which also round-trips every message through its serializer). */
class GroupCoordinatorEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
          .withFallback(ConfigFactory.load()));
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC);
  private static final TopicPartition ORDERS_0 = new TopicPartition("orders-eu", 0);
  private static final TopicPartition ORDERS_1 = new TopicPartition("orders-eu", 1);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<GroupCoordinator.Command, GroupCoordinator.Event, GroupCoordinator.State> kit() {
    return EventSourcedBehaviorTestKit.create(testKit.system(), GroupCoordinator.create("billing", CLOCK));
  }

  @Test
  void committedOffsetsAreReadBackWithTheirMetadataAndSurviveARestart() {
    var kit = kit();
    var commit = kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.CommitOffsets("", GroupCoordinator.NO_GENERATION,
        Map.of(ORDERS_0, new OffsetAndMetadata(42, "batch-7", -1), ORDERS_1, OffsetAndMetadata.of(5)), r));
    assertInstanceOf(GroupCoordinator.Committed.class, commit.reply());

    kit.restart();
    var fetched = kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.FetchOffsets(List.of(ORDERS_0), r));
    var offsets = ((GroupCoordinator.Offsets) fetched.reply()).offsets();
    assertEquals(Map.of(ORDERS_0, new OffsetAndMetadata(42, "batch-7", 1_000_000)), offsets);

    var described = (GroupCoordinator.Group) kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.DescribeGroup(r)).reply();
    assertEquals(GroupState.EMPTY, described.state());
    assertEquals(2, described.offsets().size());
  }

  @Test
  void refusesCommitsFromUnknownMembersAndNegativeOffsets() {
    var kit = kit();
    var stale = (GroupCoordinator.Rejected) kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.CommitOffsets("member-1", 3,
        Map.of(ORDERS_0, OffsetAndMetadata.of(1)), r)).reply();
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, stale.code());
    var negative = (GroupCoordinator.Rejected) kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.CommitOffsets("",
        GroupCoordinator.NO_GENERATION, Map.of(ORDERS_0, OffsetAndMetadata.of(-4)), r)).reply();
    assertEquals(ErrorCode.INVALID_REQUEST, negative.code());
    assertTrue(kit.getState().offsets().isEmpty(), "nothing was stored");
  }

  @Test
  void anEmptyGroupCanBeResetAndDeleted() {
    var kit = kit();
    kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.CommitOffsets("", GroupCoordinator.NO_GENERATION, Map.of(ORDERS_0, OffsetAndMetadata.of(9)), r));
    kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.ResetOffsets(Map.of(ORDERS_0, 0L), r));
    assertEquals(0L, kit.getState().offsets().get(ORDERS_0).offset());

    assertInstanceOf(GroupCoordinator.Deleted.class, kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.DeleteGroup(r)).reply());
    var described = (GroupCoordinator.Group) kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.DescribeGroup(r)).reply();
    assertEquals(GroupState.DEAD, described.state());
    var again = (GroupCoordinator.Rejected) kit.runCommand((ActorRef<GroupCoordinator.Reply> r) -> new GroupCoordinator.DeleteGroup(r)).reply();
    assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, again.code());
  }
}
