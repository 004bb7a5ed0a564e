package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.Courant;
import io.courant.client.TopicPartition;
import io.courant.log.Partition;
import io.courant.log.Partition.Acks;
import io.courant.topic.TopicDescription;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce and InitProducerId. Produced batches go to the partitions as the client encoded them
 * (compression included); the partition assigns offsets in place and checks idempotent producers'
 * sequences.
 */
final class ProduceApis {
  /**
   * How long a produce of idempotent batches waits for a partition this node does not host (it
   * named itself leader because no node was known to host it: a partition not started yet, or
   * whose node just died) before answering NOT_LEADER_OR_FOLLOWER. Responses on a connection go in
   * request order, so a longer wait would hold every partition the client sends to this node: the
   * Jepsen-style test saw all six partitions stall ~9 s after a kill -9 that only two lived on.
   */
  static final java.time.Duration NOT_HOSTED_WAIT = java.time.Duration.ofSeconds(2);

  /** Produce v13 names topics by id, earlier versions by name. */
  private static final short FIRST_PRODUCE_WITH_TOPIC_IDS = 13;

  private final Courant courant;
  private final TopicCatalog catalog;
  private final Brokers brokers;

  ProduceApis(Courant courant, TopicCatalog catalog, Brokers brokers) {
    this.courant = courant;
    this.catalog = catalog;
    this.brokers = brokers;
  }

  CompletionStage<ApiMessage> produce(KafkaRequest r) {
    ProduceRequestData req = r.body();
    boolean byId = r.version() >= FIRST_PRODUCE_WITH_TOPIC_IDS;
    return r.connection().inProduceOrder(() -> catalog.names(
        req.topicData().stream().map(t -> byId ? t.topicId() : null).toList(),
        req.topicData().stream().map(ProduceRequestData.TopicProduceData::name).toList()).thenApply(names -> dispatch(r, req, names)));
  }

  /** Hands every partition's batches to its partition now; returns the stage of the response. */
  private CompletionStage<ApiMessage> dispatch(KafkaRequest r, ProduceRequestData req, List<String> names) {
    Acks acks;
    try {
      acks = Acks.of(req.acks());
    } catch (IllegalArgumentException e) {
      acks = null;
    }
    ProduceResponseData out = new ProduceResponseData();
    List<CompletableFuture<Void>> appends = new ArrayList<>();
    int index = 0;
    for (ProduceRequestData.TopicProduceData t : req.topicData()) {
      ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse();
      String name = names.get(index++);
      if (r.version() >= FIRST_PRODUCE_WITH_TOPIC_IDS) {
        topic.setTopicId(t.topicId());
      } else {
        topic.setName(t.name());
      }
      for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
        ProduceResponseData.PartitionProduceResponse part = new ProduceResponseData.PartitionProduceResponse().setIndex(p.index());
        topic.partitionResponses().add(part);
        Optional<TopicDescription> described = name == null ? Optional.empty() : catalog.cached(name);
        String notLeader = name == null ? null : brokers.notLeaderHere(described, p.index()).orElse(null);
        if (acks == null) {
          fail(part, r.version(), ErrorCode.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1, not " + req.acks());
        } else if (name == null) {
          fail(part, r.version(), ErrorCode.UNKNOWN_TOPIC_ID, "no topic has id " + t.topicId());
        } else if (!(p.records() instanceof MemoryRecords records) || records.sizeInBytes() == 0) {
          fail(part, r.version(), ErrorCode.CORRUPT_MESSAGE, "a produce request must carry record batches");
        } else if (notLeader != null) {
          fail(part, r.version(), ErrorCode.NOT_LEADER_OR_FOLLOWER, notLeader);
        } else {
          boolean hosted = brokers.hostedHere(described, p.index());
          TopicPartition tp = new TopicPartition(name, p.index());
          appends.add((hosted ? courant.append(tp, bytes(records.buffer()), acks)
                  : courant.append(tp, bytes(records.buffer()), acks, NOT_HOSTED_WAIT))
              .handle((appended, failure) -> {
                if (failure != null && !hosted && KafkaErrors.of(failure) == ErrorCode.REQUEST_TIMED_OUT) {
                  // Retried by the producer (the batches carry a producer id: stored once) after it
                  // refreshes its metadata, instead of this response holding every later one on the
                  // connection (responses go in request order) while the partition moves.
                  fail(part, r.version(), ErrorCode.NOT_LEADER_OR_FOLLOWER, "partition " + tp.topic() + "-" + tp.partition()
                      + " is not hosted by this node and did not answer through it in time: refresh the metadata");
                } else if (failure != null) {
                  fail(part, r.version(), KafkaErrors.of(failure), KafkaErrors.message(failure));
                } else {
                  succeed(part, r.version(), appended);
                }
                return (Void) null;
              }).toCompletableFuture());
        }
      }
      out.responses().add(topic);
    }
    if (acks == Acks.NONE) {
      return CompletableFuture.completedFuture(null); // acks=0: the client reads no response
    }
    return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).thenApply(v -> out);
  }

  private static void succeed(ProduceResponseData.PartitionProduceResponse part, short version, Partition.Appended a) {
    part.setBaseOffset(a.baseOffset());
    if (version >= 2) {
      part.setLogAppendTimeMs(a.logAppendTime());
    }
    if (version >= 5) {
      part.setLogStartOffset(a.logStartOffset());
    }
  }

  private static void fail(ProduceResponseData.PartitionProduceResponse part, short version, ErrorCode code, String message) {
    part.setErrorCode(KafkaErrors.code(code)).setBaseOffset(-1);
    if (version >= 8) {
      part.setErrorMessage(message);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /**
   * Hands out producer ids: random positive 63-bit numbers, so nodes need no coordination and a
   * restarted node never reuses an id a partition still remembers (a collision is as likely as
   * one of random UUIDs). A producer that gives its id and epoch back gets the next epoch.
   */
  CompletionStage<ApiMessage> initProducerId(KafkaRequest r) {
    InitProducerIdRequestData req = r.body();
    InitProducerIdResponseData out = new InitProducerIdResponseData();
    if (req.transactionalId() != null) {
      return CompletableFuture.completedFuture(out.setErrorCode(KafkaErrors.code(ErrorCode.INVALID_REQUEST))
          .setProducerId(-1).setProducerEpoch((short) -1));
    }
    boolean bump = r.version() >= 3 && req.producerId() >= 0 && req.producerEpoch() >= 0
        && req.producerEpoch() < Short.MAX_VALUE - 1;
    if (bump) {
      out.setProducerId(req.producerId()).setProducerEpoch((short) (req.producerEpoch() + 1));
    } else {
      out.setProducerId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).setProducerEpoch((short) 0);
    }
    return CompletableFuture.completedFuture(out);
  }
}
