package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.Courant;
import io.courant.client.TopicPartition;
import io.courant.log.Partition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Fetch and ListOffsets. Fetch returns the stored batches as they are (whole batches, compressed
 * as produced); it is a long poll that waits up to the request's max wait when no partition has
 * data. Fetch sessions are not kept: every answer is a full one (session id 0), which clients
 * accept by sending full requests.
 */
final class FetchApis {
  private static final short FIRST_FETCH_WITH_TOPIC_IDS = 13;
  private static final long MAX_TIMESTAMP = -3L;
  private static final long EARLIEST_LOCAL_TIMESTAMP = -4L;

  private final Courant courant;
  private final TopicCatalog catalog;
  private final Brokers brokers;

  FetchApis(Courant courant, TopicCatalog catalog, Brokers brokers) {
    this.courant = courant;
    this.catalog = catalog;
    this.brokers = brokers;
  }

  /** One partition of a fetch: where its answer goes and what was read. */
  private static final class Slot {
    final FetchResponseData.PartitionData answer;
    final TopicPartition tp;
    final long offset;
    final int maxBytes;

    Slot(FetchResponseData.PartitionData answer, TopicPartition tp, long offset, int maxBytes) {
      this.answer = answer;
      this.tp = tp;
      this.offset = offset;
      this.maxBytes = maxBytes;
    }
  }

  CompletionStage<ApiMessage> fetch(KafkaRequest r) {
    FetchRequestData req = r.body();
    boolean byId = r.version() >= FIRST_FETCH_WITH_TOPIC_IDS;
    return catalog.names(req.topics().stream().map(t -> byId ? t.topicId() : null).toList(),
        req.topics().stream().map(FetchRequestData.FetchTopic::topic).toList()).thenCompose(topics -> {
      FetchResponseData out = new FetchResponseData();
      List<Slot> slots = new ArrayList<>();
      for (int i = 0; i < req.topics().size(); i++) {
        FetchRequestData.FetchTopic t = req.topics().get(i);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse();
        if (byId) {
          topic.setTopicId(t.topicId());
        } else {
          topic.setTopic(t.topic());
        }
        String name = topics.get(i);
        for (FetchRequestData.FetchPartition p : t.partitions()) {
          FetchResponseData.PartitionData answer = new FetchResponseData.PartitionData().setPartitionIndex(p.partition())
              .setRecords(MemoryRecords.EMPTY);
          topic.partitions().add(answer);
          if (name == null) {
            failed(answer, ErrorCode.UNKNOWN_TOPIC_ID);
          } else if (brokers.notLeaderHere(catalog.cached(name), p.partition()).isPresent()) {
            failed(answer, ErrorCode.NOT_LEADER_OR_FOLLOWER);
          } else {
            slots.add(new Slot(answer, new TopicPartition(name, p.partition()), p.fetchOffset(), p.partitionMaxBytes()));
          }
        }
        out.responses().add(topic);
      }
      return read(slots, req).thenApply(v -> {
        limitTotal(slots, r.version() >= 3 ? req.maxBytes() : Integer.MAX_VALUE);
        return (ApiMessage) out;
      });
    });
  }

  /**
   * Reads every partition at once without waiting; if that found nothing and the client is willing
   * to wait, long-polls them all and answers as soon as one has data (or the wait is over).
   */
  private CompletionStage<Void> read(List<Slot> slots, FetchRequestData req) {
    List<CompletableFuture<Integer>> now = new ArrayList<>();
    for (Slot s : slots) {
      now.add(courant.fetchBatches(s.tp, s.offset, s.maxBytes, 0, Duration.ZERO)
          .handle((fetched, failure) -> fill(s.answer, fetched, failure)).toCompletableFuture());
    }
    return CompletableFuture.allOf(now.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      int bytes = now.stream().mapToInt(CompletableFuture::join).sum();
      if (bytes >= Math.max(1, req.minBytes()) || req.maxWaitMs() <= 0 || slots.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      return longPoll(slots, Duration.ofMillis(req.maxWaitMs()));
    });
  }

  private CompletionStage<Void> longPoll(List<Slot> slots, Duration maxWait) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicReferenceArray<Partition.Fetched> arrived = new AtomicReferenceArray<>(slots.size());
    List<CompletableFuture<?>> polls = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.answer.errorCode() != KafkaErrors.NONE) {
        continue;
      }
      int index = i;
      polls.add(courant.fetchBatches(s.tp, s.offset, s.maxBytes, 1, maxWait).thenAccept(fetched -> {
        if (fetched.batches().length > 0) {
          arrived.set(index, fetched);
          done.complete(null);
        }
      }).toCompletableFuture());
    }
    CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
    return done.thenApply(v -> {
      // Answers that arrive after this are dropped: the client fetches them again.
      for (int i = 0; i < slots.size(); i++) {
        Partition.Fetched f = arrived.get(i);
        if (f != null) {
          fill(slots.get(i).answer, f, null);
        }
      }
      return null;
    });
  }

  /** Fills a partition's answer; returns the bytes it carries. */
  private static int fill(FetchResponseData.PartitionData answer, Partition.Fetched fetched, Throwable failure) {
    if (failure != null) {
      failed(answer, KafkaErrors.of(failure));
      return 0;
    }
    answer.setErrorCode(KafkaErrors.NONE)
        .setHighWatermark(fetched.highWatermark())
        .setLastStableOffset(fetched.highWatermark())
        .setLogStartOffset(fetched.logStartOffset())
        .setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(fetched.batches())));
    return fetched.batches().length;
  }

  private static void failed(FetchResponseData.PartitionData answer, ErrorCode code) {
    answer.setErrorCode(KafkaErrors.code(KafkaErrors.forFetch(code))).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
        .setRecords(MemoryRecords.EMPTY);
  }

  /** Keeps the response within the request's max bytes; the first partition with data always goes. */
  private static void limitTotal(List<Slot> slots, int maxBytes) {
    long total = 0;
    for (Slot s : slots) {
      int size = s.answer.records().sizeInBytes();
      if (size > 0 && total > 0 && total + size > maxBytes) {
        s.answer.setRecords(MemoryRecords.EMPTY);
      } else {
        total += size;
      }
    }
  }

  CompletionStage<ApiMessage> listOffsets(KafkaRequest r) {
    ListOffsetsRequestData req = r.body();
    ListOffsetsResponseData out = new ListOffsetsResponseData();
    List<CompletableFuture<Void>> lookups = new ArrayList<>();
    for (ListOffsetsRequestData.ListOffsetsTopic t : req.topics()) {
      ListOffsetsResponseData.ListOffsetsTopicResponse topic = new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(t.name());
      out.topics().add(topic);
      for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse answer =
            new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex());
        topic.partitions().add(answer);
        lookups.add(offsetFor(new TopicPartition(t.name(), p.partitionIndex()), p.timestamp()).handle((found, failure) -> {
          if (failure != null) {
            answer.setErrorCode(KafkaErrors.code(KafkaErrors.forListOffsets(KafkaErrors.of(failure)))).setOffset(-1).setTimestamp(-1);
          } else {
            answer.setOffset(found[0]).setTimestamp(found[1]);
            if (r.version() >= 4) {
              answer.setLeaderEpoch(found[0] >= 0 ? ClusterApis.LEADER_EPOCH : -1);
            }
          }
          return (Void) null;
        }).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> out);
  }

  /** {offset, timestamp} for a ListOffsets timestamp (or one of its special values). */
  private CompletionStage<long[]> offsetFor(TopicPartition tp, long timestamp) {
    if (timestamp == Partition.LATEST_TIMESTAMP) {
      return courant.latestOffset(tp).thenApply(o -> new long[] {o, -1});
    }
    if (timestamp == Partition.EARLIEST_TIMESTAMP || timestamp == EARLIEST_LOCAL_TIMESTAMP) {
      return courant.earliestOffset(tp).thenApply(o -> new long[] {o, -1});
    }
    if (timestamp < 0) {
      String what = timestamp == MAX_TIMESTAMP ? "the max-timestamp lookup (-3)" : "timestamp " + timestamp;
      return CompletableFuture.failedFuture(new io.courant.client.CourantException(ErrorCode.UNSUPPORTED_VERSION,
          what + " is not supported; use -1 (latest), -2 (earliest) or a timestamp >= 0"));
    }
    return courant.offsetForTimestamp(tp, timestamp)
        .thenApply(found -> found.map(o -> new long[] {o.offset(), o.timestamp()}).orElse(new long[] {-1, -1}));
  }
}
