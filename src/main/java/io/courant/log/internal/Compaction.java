package io.courant.log.internal;

import io.courant.log.LogConfig;
import io.courant.log.internal.kafka.RecordBatches;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One compaction pass over a partition's journal events ({@code cleanup.policy=compact}), as
 * Kafka's log cleaner does it: first the latest offset of every key in the range is collected (the
 * keys only, so memory grows with the number of distinct keys, not with the data), then the events
 * are read again and rewritten without the superseded records, in chunks of about {@code
 * chunkBytes}, each persisted as one {@link PartitionLog.RecordsCompacted} replacing exactly the
 * events it was made from. A chunk is atomic: a pass stopped half-way leaves some ranges compacted
 * and the others as they were. The pass ends with an empty marker event that moves the compaction
 * mark and is followed by a snapshot.
 */
final class Compaction {
  private Compaction() {}

  /** One journal event of the range, as the index knew it when the pass started. */
  record Entry(long baseOffset, long lastOffset, long seqNr) {}

  /**
   * Runs a pass over {@code entries} (in offset order).
   *
   * @param persist writes one compacted event through the partition; its stage completes when the
   *     event is durable (and fails if the partition is gone)
   */
  static CompletionStage<Done> run(ActorSystem<?> system, CurrentEventsByPersistenceIdQuery journal, String persistenceId,
      List<Entry> entries, LogConfig config, long now, int chunkBytes,
      Function<PartitionLog.RecordsCompacted, CompletionStage<?>> persist) {
    Map<ByteBuffer, Long> latest = new HashMap<>();
    long passEnd = entries.get(entries.size() - 1).lastOffset() + 1;
    return events(journal, persistenceId, entries)
        .runForeach(e -> RecordBatches.latestOffsets(ByteBuffer.wrap(e.second()), latest), system)
        .thenCompose(keysDone -> events(journal, persistenceId, entries)
            .map(e -> Pair.create(e.first(), RecordBatches.compact(ByteBuffer.wrap(e.second()), latest, now, config.deleteRetentionMs())))
            .groupedWeighted(chunkBytes, piece -> (long) Math.max(1, piece.second().batches().length))
            .map(Compaction::chunk)
            .concat(Source.single(new PartitionLog.RecordsCompacted(passEnd, passEnd, passEnd, passEnd - 1, -1L, new byte[0], true)))
            .mapAsync(1, persist::apply)
            .runWith(Sink.ignore(), system));
  }

  private static PartitionLog.RecordsCompacted chunk(List<Pair<Entry, RecordBatches.Compacted>> pieces) {
    int size = 0;
    long maxTimestamp = -1L;
    for (var p : pieces) {
      size += p.second().batches().length;
      maxTimestamp = Math.max(maxTimestamp, p.second().maxTimestamp());
    }
    ByteBuffer batches = ByteBuffer.allocate(size);
    pieces.forEach(p -> batches.put(p.second().batches()));
    List<io.courant.log.BatchInfo> kept = RecordBatches.batches(ByteBuffer.wrap(batches.array()));
    Entry first = pieces.get(0).first();
    Entry last = pieces.get(pieces.size() - 1).first();
    long base = kept.isEmpty() ? first.baseOffset() : kept.get(0).baseOffset();
    long lastOffset = kept.isEmpty() ? last.lastOffset() : kept.get(kept.size() - 1).lastOffset();
    return new PartitionLog.RecordsCompacted(first.baseOffset(), last.lastOffset() + 1, base, lastOffset, maxTimestamp,
        batches.array(), false);
  }

  /**
   * The entries' events, in offset order: the journal is read in runs of increasing sequence
   * numbers (an earlier pass put compacted events after younger ones). Fails if an event the index
   * refers to is missing, rather than compact a range with a hole.
   */
  private static Source<Pair<Entry, byte[]>, ?> events(CurrentEventsByPersistenceIdQuery journal, String persistenceId,
      List<Entry> entries) {
    List<Map<Long, Entry>> runs = new ArrayList<>();
    Map<Long, Entry> run = new LinkedHashMap<>();
    long previous = Long.MIN_VALUE;
    for (Entry e : entries) {
      if (e.seqNr() <= previous) {
        runs.add(run);
        run = new LinkedHashMap<>();
      }
      run.put(e.seqNr(), e);
      previous = e.seqNr();
    }
    runs.add(run);
    int[] next = {0};
    return Source.from(runs).flatMapConcat(r -> {
      long from = r.keySet().iterator().next();
      long to = ((Entry) r.values().toArray()[r.size() - 1]).seqNr();
      return journal.currentEventsByPersistenceId(persistenceId, from, to)
          .filter(env -> r.containsKey(env.sequenceNr()) && env.event() instanceof PartitionLog.DataEvent)
          .map(env -> Pair.create(r.get(env.sequenceNr()), ((PartitionLog.DataEvent) env.event()).batches()));
    }).map(pair -> {
      Entry expected = entries.get(next[0]++);
      if (!expected.equals(pair.first())) {
        throw new IllegalStateException("compaction expected journal event " + expected.seqNr() + " but read "
            + pair.first().seqNr() + ": an event of the range is missing");
      }
      return pair;
    }).concatLazy(Source.lazySource(() -> {
      if (next[0] != entries.size()) {
        throw new IllegalStateException("compaction read " + next[0] + " of the range's " + entries.size() + " journal events");
      }
      return Source.<Pair<Entry, byte[]>>empty();
    }));
  }
}
