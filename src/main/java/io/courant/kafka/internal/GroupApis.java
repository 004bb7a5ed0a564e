package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.Courant;
import io.courant.client.TopicPartition;
import io.courant.group.GroupCoordinator;
import io.courant.group.GroupState;
import io.courant.group.OffsetAndMetadata;
import io.courant.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Kafka's classic group protocol and group administration, on Courant's {@link GroupCoordinator}
 * (the same entities the Java consumer uses). Protocol metadata and assignments pass through as
 * the opaque bytes the clients encode.
 */
final class GroupApis {
  /** The protocol type of consumer groups, as Kafka's admin client expects it in DescribeGroups. */
  private static final String CONSUMER_PROTOCOL_TYPE = "consumer";

  private final Courant courant;
  private final KafkaSettings settings;
  private final TopicCatalog catalog;

  GroupApis(Courant courant, KafkaSettings settings, TopicCatalog catalog) {
    this.courant = courant;
    this.settings = settings;
    this.catalog = catalog;
  }

  /**
   * A coordinator that does not answer in time is, to a Kafka client, an unavailable coordinator:
   * it looks the coordinator up again and retries.
   */
  private static ErrorCode groupError(Throwable failure) {
    ErrorCode code = KafkaErrors.of(failure);
    return code == ErrorCode.REQUEST_TIMED_OUT || code == ErrorCode.UNKNOWN_SERVER_ERROR ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code;
  }

  private <R> CompletionStage<R> ask(String groupId, Function<ActorRef<R>, GroupCoordinator.Command> message, Duration timeout) {
    return courant.askGroup(groupId, message, timeout);
  }

  // ---- membership

  CompletionStage<ApiMessage> joinGroup(KafkaRequest r) {
    JoinGroupRequestData req = r.body();
    short v = r.version();
    JoinGroupResponseData out = new JoinGroupResponseData().setMemberId(req.memberId()).setGenerationId(-1).setLeader("")
        .setProtocolName(v >= 7 ? null : "");
    if (v >= 7) {
      out.setProtocolType(req.protocolType());
    }
    if (req.groupId().isEmpty()) {
      return done(out.setErrorCode(KafkaErrors.code(ErrorCode.INVALID_GROUP_ID)));
    }
    List<GroupCoordinator.Protocol> protocols = new ArrayList<>();
    req.protocols().forEach(p -> protocols.add(new GroupCoordinator.Protocol(p.name(), p.metadata())));
    long rebalanceTimeout = v >= 1 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs();
    String instanceId = v >= 5 ? req.groupInstanceId() : null;
    boolean requireKnownMemberId = v >= 4 && instanceId == null;
    Duration timeout = Duration.ofMillis(Math.max(0, rebalanceTimeout)).plus(settings.requestTimeout());
    return this.<GroupCoordinator.JoinReply>ask(req.groupId(), reply -> new GroupCoordinator.JoinGroup(req.memberId(), instanceId,
            req.protocolType(), protocols, req.sessionTimeoutMs(), rebalanceTimeout, requireKnownMemberId, reply), timeout)
        .handle((reply, failure) -> {
          if (failure != null) {
            return out.setErrorCode(KafkaErrors.code(groupError(failure)));
          }
          if (reply instanceof GroupCoordinator.Joined j) {
            out.setGenerationId(j.generationId()).setProtocolName(j.protocol()).setLeader(j.leaderId()).setMemberId(j.memberId());
            for (GroupCoordinator.MemberMetadata m : j.members()) {
              JoinGroupResponseData.JoinGroupResponseMember member =
                  new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId()).setMetadata(m.metadata());
              if (v >= 5) {
                member.setGroupInstanceId(m.groupInstanceId());
              }
              out.members().add(member);
            }
            return out;
          }
          if (reply instanceof GroupCoordinator.MemberIdRequired m) {
            return out.setErrorCode(KafkaErrors.code(ErrorCode.MEMBER_ID_REQUIRED)).setMemberId(m.memberId());
          }
          return out.setErrorCode(KafkaErrors.code(((GroupCoordinator.Rejected) reply).code()));
        });
  }

  CompletionStage<ApiMessage> syncGroup(KafkaRequest r) {
    SyncGroupRequestData req = r.body();
    SyncGroupResponseData out = new SyncGroupResponseData().setAssignment(new byte[0]);
    if (r.version() >= 5) {
      out.setProtocolType(req.protocolType()).setProtocolName(req.protocolName());
    }
    Map<String, byte[]> assignments = new HashMap<>();
    req.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
    return this.<GroupCoordinator.SyncReply>ask(req.groupId(),
            reply -> new GroupCoordinator.SyncGroup(req.memberId(), req.generationId(), assignments, reply), settings.requestTimeout())
        .handle((reply, failure) -> {
          if (failure != null) {
            return out.setErrorCode(KafkaErrors.code(groupError(failure)));
          }
          if (reply instanceof GroupCoordinator.Synced s) {
            return out.setAssignment(s.assignment());
          }
          return out.setErrorCode(KafkaErrors.code(((GroupCoordinator.Rejected) reply).code()));
        });
  }

  CompletionStage<ApiMessage> heartbeat(KafkaRequest r) {
    HeartbeatRequestData req = r.body();
    return this.<GroupCoordinator.Reply>ask(req.groupId(),
            reply -> new GroupCoordinator.Heartbeat(req.memberId(), req.generationId(), reply), settings.requestTimeout())
        .handle((reply, failure) -> new HeartbeatResponseData().setErrorCode(replyCode(reply, failure)));
  }

  /** The error code of a coordinator's reply: none, its rejection, or the failure's. */
  private static short replyCode(GroupCoordinator.Reply reply, Throwable failure) {
    if (failure != null) {
      return KafkaErrors.code(groupError(failure));
    }
    return reply instanceof GroupCoordinator.Rejected rejected ? KafkaErrors.code(rejected.code()) : KafkaErrors.NONE;
  }

  CompletionStage<ApiMessage> leaveGroup(KafkaRequest r) {
    LeaveGroupRequestData req = r.body();
    if (r.version() < 3) {
      return leave(req.groupId(), req.memberId(), null)
          .thenApply(code -> new LeaveGroupResponseData().setErrorCode(code));
    }
    List<CompletableFuture<LeaveGroupResponseData.MemberResponse>> left = new ArrayList<>();
    for (LeaveGroupRequestData.MemberIdentity m : req.members()) {
      left.add(leave(req.groupId(), m.memberId(), m.groupInstanceId()).thenApply(code -> new LeaveGroupResponseData.MemberResponse()
          .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setErrorCode(code)).toCompletableFuture());
    }
    return Futures.all(left).thenApply(members -> new LeaveGroupResponseData().setMembers(members));
  }

  /** Removes a member, found by its member id or (static members) its instance id. */
  private CompletionStage<Short> leave(String groupId, String memberId, String instanceId) {
    CompletionStage<String> member = memberId.isEmpty() && instanceId != null
        ? courant.describeGroup(groupId).thenApply(g -> g.members().stream().filter(m -> instanceId.equals(m.groupInstanceId()))
            .map(GroupCoordinator.MemberDescription::memberId).findFirst().orElse(""))
        : CompletableFuture.completedFuture(memberId);
    return member.thenCompose(id -> this.<GroupCoordinator.Reply>ask(groupId, reply -> new GroupCoordinator.LeaveGroup(id, reply),
            settings.requestTimeout()))
        .handle(GroupApis::replyCode);
  }

  // ---- committed offsets

  CompletionStage<ApiMessage> offsetCommit(KafkaRequest r) {
    OffsetCommitRequestData req = r.body();
    boolean byId = r.version() >= 10;
    return catalog.names(req.topics().stream().map(t -> byId ? t.topicId() : null).toList(),
        req.topics().stream().map(OffsetCommitRequestData.OffsetCommitRequestTopic::name).toList()).thenCompose(names -> {
          Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
          OffsetCommitResponseData out = new OffsetCommitResponseData();
          List<OffsetCommitResponseData.OffsetCommitResponsePartition> committed = new ArrayList<>();
          for (int i = 0; i < req.topics().size(); i++) {
            OffsetCommitRequestData.OffsetCommitRequestTopic t = req.topics().get(i);
            OffsetCommitResponseData.OffsetCommitResponseTopic topic = new OffsetCommitResponseData.OffsetCommitResponseTopic();
            if (byId) {
              topic.setTopicId(t.topicId());
            } else {
              topic.setName(t.name());
            }
            out.topics().add(topic);
            String name = names.get(i);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
              var answer = new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
              topic.partitions().add(answer);
              if (name == null) {
                answer.setErrorCode(KafkaErrors.code(ErrorCode.UNKNOWN_TOPIC_ID));
              } else {
                offsets.put(new TopicPartition(name, p.partitionIndex()),
                    new OffsetAndMetadata(p.committedOffset(), p.committedMetadata() == null ? "" : p.committedMetadata(), -1));
                committed.add(answer);
              }
            }
          }
          if (offsets.isEmpty()) {
            return done(out);
          }
          return this.<GroupCoordinator.Reply>ask(req.groupId(), reply -> new GroupCoordinator.CommitOffsets(req.memberId(),
                  req.generationIdOrMemberEpoch(), offsets, reply), settings.requestTimeout())
              .handle((reply, failure) -> {
                short code = replyCode(reply, failure);
                committed.forEach(p -> p.setErrorCode(code));
                return (ApiMessage) out;
              });
        });
  }

  CompletionStage<ApiMessage> offsetFetch(KafkaRequest r) {
    OffsetFetchRequestData req = r.body();
    if (r.version() < 8) {
      List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = req.topics() == null ? null : req.topics().stream()
          .map(t -> new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name()).setPartitionIndexes(t.partitionIndexes()))
          .toList();
      return fetchGroup(req.groupId(), topics, false).thenApply(g -> {
        OffsetFetchResponseData out = new OffsetFetchResponseData().setErrorCode(g.errorCode());
        for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
          OffsetFetchResponseData.OffsetFetchResponseTopic topic = new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
          t.partitions().forEach(p -> topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
              .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset()).setMetadata(p.metadata())
              .setErrorCode(p.errorCode())));
          out.topics().add(topic);
        }
        return out;
      });
    }
    List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> groups = new ArrayList<>();
    for (OffsetFetchRequestData.OffsetFetchRequestGroup g : req.groups()) {
      groups.add(fetchGroup(g.groupId(), g.topics(), r.version() >= 10).toCompletableFuture());
    }
    return Futures.all(groups).thenApply(answers -> new OffsetFetchResponseData().setGroups(answers));
  }

  /** One group's committed offsets, in OffsetFetch v8+'s shape; {@code topics} null = all. */
  private CompletionStage<OffsetFetchResponseData.OffsetFetchResponseGroup> fetchGroup(String groupId,
      List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics, boolean byId) {
    OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(groupId);
    CompletionStage<List<String>> names = topics == null ? CompletableFuture.completedFuture(List.of())
        : catalog.names(topics.stream().map(t -> byId ? t.topicId() : null).toList(),
            topics.stream().map(OffsetFetchRequestData.OffsetFetchRequestTopics::name).toList());
    return names.thenCompose(resolved -> {
      List<TopicPartition> wanted = new ArrayList<>();
      for (int i = 0; i < resolved.size(); i++) {
        for (int p : topics.get(i).partitionIndexes()) {
          if (resolved.get(i) != null) {
            wanted.add(new TopicPartition(resolved.get(i), p));
          }
        }
      }
      if (topics != null && wanted.isEmpty()) {
        return CompletableFuture.completedFuture(Map.<TopicPartition, OffsetAndMetadata>of());
      }
      return courant.committedOffsets(groupId, wanted);
    }).thenCompose(committed -> answerTopics(topics, committed, byId)).handle((answer, failure) -> {
      if (failure != null) {
        return out.setErrorCode(KafkaErrors.code(groupError(failure)));
      }
      return out.setTopics(answer);
    });
  }

  private CompletionStage<List<OffsetFetchResponseData.OffsetFetchResponseTopics>> answerTopics(
      List<OffsetFetchRequestData.OffsetFetchRequestTopics> asked, Map<TopicPartition, OffsetAndMetadata> committed, boolean byId) {
    Map<String, Uuid> ids = new HashMap<>();
    List<CompletableFuture<Void>> lookups = new ArrayList<>();
    if (byId) {
      committed.keySet().stream().map(TopicPartition::topic).distinct().forEach(name -> lookups.add(catalog.byName(name)
          .thenAccept(t -> {
            synchronized (ids) {
              ids.put(name, t.map(d -> TopicCatalog.kafkaId(d.topicId())).orElse(Uuid.ZERO_UUID));
            }
          }).toCompletableFuture()));
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> {
      Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> out = new LinkedHashMap<>();
      if (asked != null) {
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : asked) {
          for (int p : t.partitionIndexes()) {
            topicEntry(out, t.name(), byId ? t.topicId() : null).partitions().add(partitionAnswer(p, null));
          }
        }
      }
      committed.forEach((tp, o) -> {
        var topic = topicEntry(out, tp.topic(), byId ? ids.getOrDefault(tp.topic(), Uuid.ZERO_UUID) : null);
        topic.partitions().removeIf(p -> p.partitionIndex() == tp.partition());
        topic.partitions().add(partitionAnswer(tp.partition(), o));
      });
      return new ArrayList<>(out.values());
    });
  }

  private static OffsetFetchResponseData.OffsetFetchResponseTopics topicEntry(
      Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> out, String name, Uuid id) {
    String key = id != null ? id.toString() : name;
    return out.computeIfAbsent(key, k -> {
      var t = new OffsetFetchResponseData.OffsetFetchResponseTopics();
      return id != null ? t.setTopicId(id) : t.setName(name);
    });
  }

  private static OffsetFetchResponseData.OffsetFetchResponsePartitions partitionAnswer(int partition, OffsetAndMetadata o) {
    return new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(partition)
        .setCommittedOffset(o == null ? OffsetFetchResponse.INVALID_OFFSET : o.offset())
        .setMetadata(o == null ? "" : o.metadata());
  }

  CompletionStage<ApiMessage> offsetDelete(KafkaRequest r) {
    OffsetDeleteRequestData req = r.body();
    List<TopicPartition> partitions = new ArrayList<>();
    req.topics().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p.partitionIndex()))));
    return courant.deleteOffsets(req.groupId(), partitions).handle((d, failure) -> {
      OffsetDeleteResponseData out = new OffsetDeleteResponseData();
      ErrorCode code = failure == null ? null : groupError(failure);
      if (code != null && code != ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC) {
        return out.setErrorCode(KafkaErrors.code(code)); // a group-level error
      }
      for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
        var topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
        t.partitions().forEach(p -> topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
            .setPartitionIndex(p.partitionIndex()).setErrorCode(code == null ? KafkaErrors.NONE : KafkaErrors.code(code))));
        out.topics().add(topic);
      }
      return out;
    });
  }

  // ---- group administration

  CompletionStage<ApiMessage> describeGroups(KafkaRequest r) {
    DescribeGroupsRequestData req = r.body();
    List<CompletableFuture<DescribeGroupsResponseData.DescribedGroup>> groups = new ArrayList<>();
    for (String groupId : req.groups()) {
      groups.add(courant.describeGroup(groupId).handle((g, failure) -> described(r.version(), groupId, g, failure))
          .toCompletableFuture());
    }
    return Futures.all(groups).thenApply(answers -> new DescribeGroupsResponseData().setGroups(answers));
  }

  private static DescribeGroupsResponseData.DescribedGroup described(short version, String groupId, GroupCoordinator.Group g,
      Throwable failure) {
    var out = new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId).setProtocolType("").setProtocolData("");
    if (failure != null) {
      return out.setErrorCode(KafkaErrors.code(groupError(failure))).setGroupState(stateName(GroupState.DEAD));
    }
    out.setGroupState(stateName(g.state()));
    if (g.state() == GroupState.DEAD && version >= 6) {
      return out.setErrorCode(KafkaErrors.code(ErrorCode.GROUP_ID_NOT_FOUND)).setErrorMessage("group '" + groupId + "' does not exist");
    }
    if (!g.protocol().isEmpty()) {
      out.setProtocolType(CONSUMER_PROTOCOL_TYPE).setProtocolData(g.protocol());
    }
    for (GroupCoordinator.MemberDescription m : g.members()) {
      var member = new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId()).setClientId("").setClientHost("")
          .setMemberMetadata(new byte[0]).setMemberAssignment(m.assignment());
      if (version >= 4) {
        member.setGroupInstanceId(m.groupInstanceId());
      }
      out.members().add(member);
    }
    return out;
  }

  /** Kafka's name of a group state ("PreparingRebalance", ...). */
  static String stateName(GroupState state) {
    return switch (state) {
      case EMPTY -> "Empty";
      case PREPARING_REBALANCE -> "PreparingRebalance";
      case COMPLETING_REBALANCE -> "CompletingRebalance";
      case STABLE -> "Stable";
      case DEAD -> "Dead";
    };
  }

  CompletionStage<ApiMessage> listGroups(KafkaRequest r) {
    ListGroupsRequestData req = r.body();
    List<String> states = r.version() >= 4 ? req.statesFilter() : List.of();
    List<String> types = r.version() >= 5 ? req.typesFilter() : List.of();
    return courant.listGroups().thenCompose(ids -> {
      List<CompletableFuture<Optional<GroupCoordinator.Group>>> described = new ArrayList<>();
      ids.forEach(id -> described.add(courant.describeGroup(id).thenApply(Optional::of)
          .exceptionally(e -> Optional.empty()).toCompletableFuture()));
      return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
        ListGroupsResponseData out = new ListGroupsResponseData();
        for (var f : described) {
          f.join().filter(g -> g.state() != GroupState.DEAD).ifPresent(g -> {
            String state = stateName(g.state());
            boolean wanted = (states.isEmpty() || states.stream().anyMatch(state::equalsIgnoreCase))
                && (types.isEmpty() || types.stream().anyMatch("classic"::equalsIgnoreCase));
            if (wanted) {
              var listed = new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId()).setProtocolType(CONSUMER_PROTOCOL_TYPE);
              if (r.version() >= 4) {
                listed.setGroupState(state);
              }
              if (r.version() >= 5) {
                listed.setGroupType("classic");
              }
              out.groups().add(listed);
            }
          });
        }
        return (ApiMessage) out;
      });
    }).exceptionally(failure -> new ListGroupsResponseData().setErrorCode(KafkaErrors.code(groupError(failure))));
  }

  CompletionStage<ApiMessage> deleteGroups(KafkaRequest r) {
    DeleteGroupsRequestData req = r.body();
    List<CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult>> results = new ArrayList<>();
    for (String groupId : req.groupsNames()) {
      results.add(courant.deleteGroup(groupId).handle((d, failure) -> new DeleteGroupsResponseData.DeletableGroupResult()
          .setGroupId(groupId).setErrorCode(failure == null ? KafkaErrors.NONE : KafkaErrors.code(groupError(failure))))
          .toCompletableFuture());
    }
    return Futures.all(results).thenApply(answers -> {
      DeleteGroupsResponseData out = new DeleteGroupsResponseData();
      answers.forEach(out.results()::add);
      return out;
    });
  }

  private static CompletionStage<ApiMessage> done(ApiMessage response) {
    return CompletableFuture.completedFuture(response);
  }
}
