package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.ErrorCode;
import io.courant.client.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Kafka's classic group protocol on the coordinator: join barrier, sync, heartbeats, sessions, leave, static members. */
class GroupMembershipTest {
  private static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
      .withFallback(ConfigFactory.load()));
  private static final List<GroupCoordinator.Protocol> RANGE =
      List.of(new GroupCoordinator.Protocol("range", "orders".getBytes(StandardCharsets.UTF_8)));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<GroupCoordinator.Command> coordinator() {
    return coordinator("g-" + UUID.randomUUID());
  }

  private static ActorRef<GroupCoordinator.Command> coordinator(String groupId) {
    return testKit.spawn(GroupCoordinator.create(groupId, Clock.systemUTC(), Duration.ZERO));
  }

  /** Stops the coordinator (as when its node dies or it moves) and starts it again from its journal. */
  private static ActorRef<GroupCoordinator.Command> restart(ActorRef<GroupCoordinator.Command> group, String groupId) {
    TestProbe<Object> watcher = testKit.createTestProbe();
    testKit.stop(group);
    watcher.expectTerminated(group);
    return coordinator(groupId);
  }

  private static GroupCoordinator.JoinGroup join(String memberId, String instanceId, long sessionMs,
      ActorRef<GroupCoordinator.JoinReply> replyTo) {
    return new GroupCoordinator.JoinGroup(memberId, instanceId, "consumer", RANGE, sessionMs, 5_000, false, replyTo);
  }

  private static GroupCoordinator.Joined joinAlone(ActorRef<GroupCoordinator.Command> group, String instanceId, long sessionMs) {
    TestProbe<GroupCoordinator.JoinReply> probe = testKit.createTestProbe();
    group.tell(join("", instanceId, sessionMs, probe.ref()));
    return (GroupCoordinator.Joined) probe.receiveMessage();
  }

  private static GroupCoordinator.SyncReply sync(ActorRef<GroupCoordinator.Command> group, String memberId, int generation,
      Map<String, byte[]> assignments) {
    TestProbe<GroupCoordinator.SyncReply> probe = testKit.createTestProbe();
    group.tell(new GroupCoordinator.SyncGroup(memberId, generation, assignments, probe.ref()));
    return probe.receiveMessage();
  }

  /**
   * Member a (session 10 s) joins alone, then b (session 1 s) joins and a rejoins: both are in
   * generation 2, a leading; returns their join replies, a's first. Nobody has synced generation 2.
   */
  private static GroupCoordinator.Joined[] leaderAndShortLivedFollower(ActorRef<GroupCoordinator.Command> group) {
    GroupCoordinator.Joined first = joinAlone(group, null, 10_000);
    sync(group, first.memberId(), 1, Map.of());
    TestProbe<GroupCoordinator.JoinReply> b = testKit.createTestProbe();
    group.tell(join("", null, 1_000, b.ref()));
    TestProbe<GroupCoordinator.JoinReply> aAgain = testKit.createTestProbe();
    group.tell(join(first.memberId(), null, 10_000, aAgain.ref()));
    var leader = (GroupCoordinator.Joined) aAgain.receiveMessage();
    var follower = (GroupCoordinator.Joined) b.receiveMessage();
    return new GroupCoordinator.Joined[] {leader, follower};
  }

  private static GroupCoordinator.Reply ask(ActorRef<GroupCoordinator.Command> group,
      java.util.function.Function<ActorRef<GroupCoordinator.Reply>, GroupCoordinator.Command> command) {
    TestProbe<GroupCoordinator.Reply> probe = testKit.createTestProbe();
    group.tell(command.apply(probe.ref()));
    return probe.receiveMessage();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSecondMemberTriggersARebalanceAndTheLeaderAssignsBoth() {
    var group = coordinator();
    GroupCoordinator.Joined first = joinAlone(group, null, 10_000);
    assertEquals(1, first.generationId());
    assertEquals(first.memberId(), first.leaderId());
    assertEquals("range", first.protocol());
    assertArrayEquals(bytes("p0,p1"), ((GroupCoordinator.Synced) sync(group, first.memberId(), 1,
        Map.of(first.memberId(), bytes("p0,p1")))).assignment());

    TestProbe<GroupCoordinator.JoinReply> second = testKit.createTestProbe();
    group.tell(join("", null, 10_000, second.ref()));
    second.expectNoMessage(Duration.ofMillis(200)); // the barrier waits for the first member to rejoin
    var hb = (GroupCoordinator.Rejected) ask(group, r -> new GroupCoordinator.Heartbeat(first.memberId(), 1, r));
    assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, hb.code());

    TestProbe<GroupCoordinator.JoinReply> rejoin = testKit.createTestProbe();
    group.tell(join(first.memberId(), null, 10_000, rejoin.ref()));
    var leader = (GroupCoordinator.Joined) rejoin.receiveMessage();
    var follower = (GroupCoordinator.Joined) second.receiveMessage();
    assertEquals(2, leader.generationId());
    assertEquals(first.memberId(), leader.leaderId());
    assertEquals(2, leader.members().size(), "the leader sees every member's subscription");
    assertTrue(follower.members().isEmpty());

    TestProbe<GroupCoordinator.SyncReply> followerSync = testKit.createTestProbe();
    group.tell(new GroupCoordinator.SyncGroup(follower.memberId(), 2, Map.of(), followerSync.ref()));
    followerSync.expectNoMessage(Duration.ofMillis(100)); // waits for the leader's assignment
    sync(group, leader.memberId(), 2, Map.of(leader.memberId(), bytes("p0"), follower.memberId(), bytes("p1")));
    assertArrayEquals(bytes("p1"), ((GroupCoordinator.Synced) followerSync.receiveMessage()).assignment());

    var described = (GroupCoordinator.Group) ask(group, GroupCoordinator.DescribeGroup::new);
    assertEquals(GroupState.STABLE, described.state());
    assertEquals(2, described.members().size());
  }

  @Test
  void membersJoiningDuringTheInitialDelayShareTheFirstGeneration() {
    var group = testKit.spawn(GroupCoordinator.create("g-" + UUID.randomUUID(), Clock.systemUTC(), Duration.ofMillis(500)));
    TestProbe<GroupCoordinator.JoinReply> a = testKit.createTestProbe();
    TestProbe<GroupCoordinator.JoinReply> b = testKit.createTestProbe();
    group.tell(new GroupCoordinator.JoinGroup("", null, "consumer", RANGE, 10_000, 5_000, true, a.ref()));
    String aId = ((GroupCoordinator.MemberIdRequired) a.receiveMessage()).memberId();
    group.tell(new GroupCoordinator.JoinGroup(aId, null, "consumer", RANGE, 10_000, 5_000, true, a.ref()));
    group.tell(new GroupCoordinator.JoinGroup("", null, "consumer", RANGE, 10_000, 5_000, true, b.ref()));
    String bId = ((GroupCoordinator.MemberIdRequired) b.receiveMessage()).memberId();
    group.tell(new GroupCoordinator.JoinGroup(bId, null, "consumer", RANGE, 10_000, 5_000, true, b.ref()));
    var joinedA = (GroupCoordinator.Joined) a.receiveMessage(Duration.ofSeconds(5));
    var joinedB = (GroupCoordinator.Joined) b.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, joinedA.generationId());
    assertEquals(1, joinedB.generationId());
  }

  @Test
  void aNewMemberCanBeAskedToJoinAgainWithItsMemberId() {
    var group = coordinator();
    TestProbe<GroupCoordinator.JoinReply> probe = testKit.createTestProbe();
    group.tell(new GroupCoordinator.JoinGroup("", null, "consumer", RANGE, 10_000, 5_000, true, probe.ref()));
    var required = (GroupCoordinator.MemberIdRequired) probe.receiveMessage();
    group.tell(new GroupCoordinator.JoinGroup(required.memberId(), null, "consumer", RANGE, 10_000, 5_000, true, probe.ref()));
    assertEquals(required.memberId(), ((GroupCoordinator.Joined) probe.receiveMessage()).memberId());
  }

  @Test
  void aSilentMemberIsRemovedAfterItsSessionTimeout() {
    var group = coordinator();
    GroupCoordinator.Joined[] ab = leaderAndShortLivedFollower(group);
    GroupCoordinator.Joined a = ab[0];
    sync(group, a.memberId(), 2, Map.of());

    // a keeps heartbeating; b falls silent and expires after 1 s, which starts a rebalance.
    io.courant.testing.Await.until("b's session expiring", Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
      GroupCoordinator.Reply hb = ask(group, r -> new GroupCoordinator.Heartbeat(a.memberId(), 2, r));
      return hb instanceof GroupCoordinator.Rejected r && r.code() == ErrorCode.REBALANCE_IN_PROGRESS;
    });
    TestProbe<GroupCoordinator.JoinReply> rejoin = testKit.createTestProbe();
    group.tell(join(a.memberId(), null, 10_000, rejoin.ref()));
    var alone = (GroupCoordinator.Joined) rejoin.receiveMessage();
    assertEquals(3, alone.generationId());
    assertEquals(1, alone.members().size());
  }

  @Test
  void commitsAreCheckedAgainstMemberAndGeneration() {
    var group = coordinator();
    GroupCoordinator.Joined a = joinAlone(group, null, 10_000);
    sync(group, a.memberId(), 1, Map.of());
    var tp = Map.of(new TopicPartition("orders", 0), OffsetAndMetadata.of(7));
    assertInstanceOf(GroupCoordinator.Committed.class, ask(group, r -> new GroupCoordinator.CommitOffsets(a.memberId(), 1, tp, r)));
    assertEquals(ErrorCode.ILLEGAL_GENERATION,
        ((GroupCoordinator.Rejected) ask(group, r -> new GroupCoordinator.CommitOffsets(a.memberId(), 0, tp, r))).code());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID,
        ((GroupCoordinator.Rejected) ask(group, r -> new GroupCoordinator.CommitOffsets("ghost", 1, tp, r))).code());
    assertEquals(ErrorCode.ILLEGAL_GENERATION, ((GroupCoordinator.Rejected) ask(group,
        r -> new GroupCoordinator.CommitOffsets("", GroupCoordinator.NO_GENERATION, tp, r))).code());
    assertEquals(ErrorCode.NON_EMPTY_GROUP, ((GroupCoordinator.Rejected) ask(group, GroupCoordinator.DeleteGroup::new)).code());
  }

  @Test
  void leavingMembersRebalanceTheRestAndTheLastLeavesTheGroupEmpty() {
    var group = coordinator();
    GroupCoordinator.Joined a = joinAlone(group, null, 10_000);
    sync(group, a.memberId(), 1, Map.of());
    assertInstanceOf(GroupCoordinator.Ok.class, ask(group, r -> new GroupCoordinator.LeaveGroup(a.memberId(), r)));
    var described = (GroupCoordinator.Group) ask(group, GroupCoordinator.DescribeGroup::new);
    assertTrue(described.members().isEmpty());
    assertTrue(described.state() == GroupState.DEAD || described.state() == GroupState.EMPTY);
  }

  @Test
  void aStaticMemberComingBackTakesItsPlaceWithoutARebalance() {
    var group = coordinator();
    GroupCoordinator.Joined a = joinAlone(group, "instance-a", 10_000);
    sync(group, a.memberId(), 1, Map.of(a.memberId(), bytes("p0")));
    GroupCoordinator.Joined back = joinAlone(group, "instance-a", 10_000);
    assertEquals(1, back.generationId(), "no new generation");
    assertTrue(!back.memberId().equals(a.memberId()));
    assertArrayEquals(bytes("p0"), ((GroupCoordinator.Synced) sync(group, back.memberId(), 1, Map.of())).assignment());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID,
        ((GroupCoordinator.Rejected) ask(group, r -> new GroupCoordinator.Heartbeat(a.memberId(), 1, r))).code());
  }

  @Test
  void aRestartedCoordinatorKeepsTheStableGroupAndExpiresOnlySilentMembers() {
    String id = "g-" + UUID.randomUUID();
    var group = coordinator(id);
    GroupCoordinator.Joined[] ab = leaderAndShortLivedFollower(group);
    GroupCoordinator.Joined a = ab[0];
    var leader = ab[0];
    var follower = ab[1];
    byte[] leaderPart = ConsumerProtocol.encodeAssignment(List.of(new TopicPartition("orders", 0)));
    byte[] followerPart = ConsumerProtocol.encodeAssignment(List.of(new TopicPartition("orders", 1)));
    sync(group, leader.memberId(), 2, Map.of(leader.memberId(), leaderPart, follower.memberId(), followerPart));

    group = restart(group, id);
    var restarted = group;
    assertInstanceOf(GroupCoordinator.Ok.class, ask(group, r -> new GroupCoordinator.Heartbeat(a.memberId(), 2, r)),
        "the member keeps its place and generation");
    var described = (GroupCoordinator.Group) ask(group, GroupCoordinator.DescribeGroup::new);
    assertEquals(GroupState.STABLE, described.state());
    assertEquals(2, described.generationId());
    assertEquals("range", described.protocol());
    assertEquals(Map.of(leader.memberId(), List.of(new TopicPartition("orders", 0)),
            follower.memberId(), List.of(new TopicPartition("orders", 1))),
        described.members().stream().collect(java.util.stream.Collectors.toMap(GroupCoordinator.MemberDescription::memberId,
            GroupCoordinator.MemberDescription::partitions)));
    assertArrayEquals(leaderPart, ((GroupCoordinator.Synced) sync(group, a.memberId(), 2, Map.of())).assignment());

    // b never heartbeats the new coordinator: its restored session (1 s) expires and a rebalances alone.
    io.courant.testing.Await.until("b's restored session expiring", Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
      GroupCoordinator.Reply hb = ask(restarted, r -> new GroupCoordinator.Heartbeat(a.memberId(), 2, r));
      return hb instanceof GroupCoordinator.Rejected r && r.code() == ErrorCode.REBALANCE_IN_PROGRESS;
    });
    TestProbe<GroupCoordinator.JoinReply> rejoin = testKit.createTestProbe();
    group.tell(join(a.memberId(), null, 10_000, rejoin.ref()));
    assertEquals(3, ((GroupCoordinator.Joined) rejoin.receiveMessage()).generationId());
  }

  @Test
  void aGroupWhoseMembersLeftIsEmptyAfterARestart() {
    String id = "g-" + UUID.randomUUID();
    var group = coordinator(id);
    GroupCoordinator.Joined a = joinAlone(group, null, 10_000);
    sync(group, a.memberId(), 1, Map.of());
    ask(group, r -> new GroupCoordinator.CommitOffsets(a.memberId(), 1, Map.of(new TopicPartition("orders", 0), OffsetAndMetadata.of(3)), r));
    assertInstanceOf(GroupCoordinator.Ok.class, ask(group, r -> new GroupCoordinator.LeaveGroup(a.memberId(), r)));

    group = restart(group, id);
    var described = (GroupCoordinator.Group) ask(group, GroupCoordinator.DescribeGroup::new);
    assertEquals(GroupState.EMPTY, described.state());
    assertTrue(described.members().isEmpty());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID,
        ((GroupCoordinator.Rejected) ask(group, r -> new GroupCoordinator.Heartbeat(a.memberId(), 1, r))).code());
  }
}
