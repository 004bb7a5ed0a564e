package io.courant.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The live membership of one group, kept by its coordinator. Mutable, owned by the coordinator
 * actor; each completed rebalance is persisted as a {@link GroupCoordinator.StableMembership} and
 * {@link #restore}d after the coordinator restarts or moves, so members keep their places.
 */
final class GroupMembership {

  /** One member, as its last JoinGroup described it. */
  static final class Member {
    final String memberId;
    final String groupInstanceId;
    final String protocolType;
    final List<GroupCoordinator.Protocol> protocols;
    final long sessionTimeoutMs;
    final long rebalanceTimeoutMs;
    long lastHeartbeatMillis;
    ActorRef<GroupCoordinator.JoinReply> pendingJoin;
    ActorRef<GroupCoordinator.SyncReply> pendingSync;
    byte[] assignment = new byte[0];

    Member(GroupCoordinator.JoinGroup join, String memberId, long now) {
      this.memberId = memberId;
      this.groupInstanceId = join.groupInstanceId();
      this.protocolType = join.protocolType();
      this.protocols = List.copyOf(join.protocols());
      this.sessionTimeoutMs = join.sessionTimeoutMs();
      this.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
      this.lastHeartbeatMillis = now;
    }

    Member(GroupCoordinator.StoredMember stored, long now) {
      this.memberId = stored.memberId();
      this.groupInstanceId = stored.groupInstanceId();
      this.protocolType = stored.protocolType();
      this.protocols = List.copyOf(stored.protocols());
      this.sessionTimeoutMs = stored.sessionTimeoutMs();
      this.rebalanceTimeoutMs = stored.rebalanceTimeoutMs();
      this.assignment = stored.assignment();
      this.lastHeartbeatMillis = now;
    }

    GroupCoordinator.StoredMember stored() {
      return new GroupCoordinator.StoredMember(memberId, groupInstanceId, protocolType, protocols, sessionTimeoutMs,
          rebalanceTimeoutMs, assignment);
    }

    boolean sameProtocols(GroupCoordinator.JoinGroup join) {
      if (join.protocols().size() != protocols.size()) {
        return false;
      }
      for (int i = 0; i < protocols.size(); i++) {
        GroupCoordinator.Protocol a = protocols.get(i);
        GroupCoordinator.Protocol b = join.protocols().get(i);
        if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
          return false;
        }
      }
      return true;
    }

    byte[] metadata(String protocol) {
      return protocols.stream().filter(p -> p.name().equals(protocol)).findFirst().map(GroupCoordinator.Protocol::metadata)
          .orElse(new byte[0]);
    }
  }

  final Map<String, Member> members = new LinkedHashMap<>();
  GroupState state = GroupState.EMPTY;
  int generationId;
  String protocolType;
  String protocol;
  String leaderId;

  /** What survives a restart of the coordinator: the stable group as its last rebalance left it. */
  GroupCoordinator.StableMembership stable() {
    return new GroupCoordinator.StableMembership(generationId, protocolType, protocol, leaderId,
        members.values().stream().map(Member::stored).toList());
  }

  /** Takes the stored group back as Stable; every member's session starts again now. */
  void restore(GroupCoordinator.StableMembership stored, long now) {
    members.clear();
    stored.members().forEach(m -> members.put(m.memberId(), new Member(m, now)));
    generationId = stored.generationId();
    protocolType = stored.protocolType();
    protocol = stored.protocol();
    leaderId = stored.leaderId();
    state = GroupState.STABLE;
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  Optional<Member> byInstanceId(String groupInstanceId) {
    if (groupInstanceId == null) {
      return Optional.empty();
    }
    return members.values().stream().filter(m -> groupInstanceId.equals(m.groupInstanceId)).findFirst();
  }

  boolean allJoined() {
    return members.values().stream().allMatch(m -> m.pendingJoin != null);
  }

  long rebalanceTimeoutMs() {
    return members.values().stream().mapToLong(m -> m.rebalanceTimeoutMs).max().orElse(0);
  }

  /** Whether every member supports at least one protocol that all of them support. */
  boolean supportsAll(List<GroupCoordinator.Protocol> protocols) {
    for (GroupCoordinator.Protocol p : protocols) {
      if (members.values().stream().allMatch(m -> m.protocols.stream().anyMatch(q -> q.name().equals(p.name())))) {
        return true;
      }
    }
    return false;
  }

  /** Kafka's choice: the protocol most members prefer among those all support. */
  String chooseProtocol() {
    List<List<String>> preferences = new ArrayList<>();
    for (Member m : members.values()) {
      preferences.add(m.protocols.stream().map(GroupCoordinator.Protocol::name).toList());
    }
    return PartitionAssignors.choose(preferences).orElseThrow();
  }
}
