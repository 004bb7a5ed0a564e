package io.courant.log.internal;

import io.courant.ErrorCode;
import io.courant.log.BatchInfo;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the sequence ranges
 * of its last {@value #KEPT_BATCHES} batches (Kafka clients keep up to 5 requests in flight), so a
 * retried batch is recognised and answered with its original offsets instead of being stored twice.
 */
public final class ProducerStates {
  static final int KEPT_BATCHES = 5;

  /** A batch recently appended by one producer. */
  public record Appended(int baseSequence, int lastSequence, long baseOffset, long lastOffset) {}

  static final class Entry {
    short epoch;
    final ArrayDeque<Appended> recent = new ArrayDeque<>(KEPT_BATCHES);

    Entry(short epoch) {
      this.epoch = epoch;
    }

    Entry copy() {
      Entry c = new Entry(epoch);
      c.recent.addAll(recent);
      return c;
    }

    int lastSequence() {
      return recent.isEmpty() ? -1 : recent.peekLast().lastSequence();
    }
  }

  /** Outcome of checking a batch's producer sequence. */
  public sealed interface Check permits Accept, Duplicate, Reject {}

  public record Accept() implements Check {}

  public record Duplicate(Appended original) implements Check {}

  public record Reject(ErrorCode code, String message) implements Check {}

  private static final Accept ACCEPT = new Accept();

  final Map<Long, Entry> producers = new HashMap<>();

  public int size() {
    return producers.size();
  }

  /**
   * Checks a batch against the producer's state (plus {@code overlay}, the not yet committed
   * state of earlier batches of the same request).
   */
  public Check check(BatchInfo batch, Map<Long, Entry> overlay) {
    if (!batch.hasProducerId()) {
      return ACCEPT;
    }
    Entry entry = overlay.containsKey(batch.producerId()) ? overlay.get(batch.producerId()) : producers.get(batch.producerId());
    if (entry == null) {
      return ACCEPT;
    }
    if (batch.producerEpoch() < entry.epoch) {
      return new Reject(ErrorCode.INVALID_PRODUCER_EPOCH, "producer " + batch.producerId() + " epoch "
          + batch.producerEpoch() + " is older than the current epoch " + entry.epoch + " (fenced)");
    }
    if (batch.producerEpoch() > entry.epoch) {
      return batch.baseSequence() == 0 ? ACCEPT : new Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          "producer " + batch.producerId() + " began epoch " + batch.producerEpoch() + " at sequence "
              + batch.baseSequence() + "; a new epoch must begin at sequence 0");
    }
    for (Appended a : entry.recent) {
      if (a.baseSequence() == batch.baseSequence() && a.lastSequence() == batch.lastSequence()) {
        return new Duplicate(a);
      }
    }
    int expected = entry.lastSequence() == Integer.MAX_VALUE ? 0 : entry.lastSequence() + 1;
    if (batch.baseSequence() != expected && !entry.recent.isEmpty()
        && batch.lastSequence() < entry.recent.peekFirst().baseSequence()) {
      // Older than every batch remembered: sequences of an epoch are accepted one after the other
      // only, so it was stored, long enough ago that its offsets are forgotten (its producer got no
      // answer in time and sent it again). Kafka's answer for that is DUPLICATE_SEQUENCE_NUMBER,
      // which producers take as success; OUT_OF_ORDER_SEQUENCE_NUMBER would make them retry until
      // their delivery timeout, then bump the epoch and send it again as a new batch: stored twice.
      return new Reject(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, "producer " + batch.producerId() + " sent sequences "
          + batch.baseSequence() + " to " + batch.lastSequence() + " again: stored already (the last " + KEPT_BATCHES
          + " batches remembered start at sequence " + entry.recent.peekFirst().baseSequence() + ")");
    }
    if (batch.baseSequence() != expected) {
      return new Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "producer " + batch.producerId()
          + " sent sequence " + batch.baseSequence() + " but sequence " + expected + " was expected");
    }
    return ACCEPT;
  }

  /** Records an accepted batch (with its assigned offsets) into {@code target}. */
  public void record(BatchInfo batch, Map<Long, Entry> target) {
    if (!batch.hasProducerId()) {
      return;
    }
    Entry entry = target.get(batch.producerId());
    if (entry == null) {
      Entry current = producers.get(batch.producerId());
      entry = current == null ? new Entry(batch.producerEpoch()) : current.copy();
      target.put(batch.producerId(), entry);
    }
    if (batch.producerEpoch() != entry.epoch) {
      entry.epoch = batch.producerEpoch();
      entry.recent.clear();
    }
    if (entry.recent.size() == KEPT_BATCHES) {
      entry.recent.removeFirst();
    }
    entry.recent.addLast(new Appended(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset()));
  }

  /** Makes the state recorded in {@code overlay} current. */
  public void commit(Map<Long, Entry> overlay) {
    producers.putAll(overlay);
  }

  /** Records the batches of a persisted event directly (replay, and the journal's own copy). */
  public void recordAll(List<BatchInfo> batches) {
    Map<Long, Entry> overlay = new HashMap<>();
    for (BatchInfo b : batches) {
      record(b, overlay);
    }
    commit(overlay);
  }

  public ProducerStates copy() {
    ProducerStates c = new ProducerStates();
    producers.forEach((id, e) -> c.producers.put(id, e.copy()));
    return c;
  }

  /** For the snapshot serializer: visits (producer id, epoch, recent batches). */
  public void forEach(Visitor visitor) {
    for (Iterator<Map.Entry<Long, Entry>> it = producers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Entry> e = it.next();
      visitor.visit(e.getKey(), e.getValue().epoch, List.copyOf(e.getValue().recent));
    }
  }

  /** For the snapshot serializer. */
  public void restore(long producerId, short epoch, List<Appended> recent) {
    Entry e = new Entry(epoch);
    e.recent.addAll(recent);
    producers.put(producerId, e);
  }

  @FunctionalInterface
  public interface Visitor {
    void visit(long producerId, short epoch, List<Appended> recent);
  }
}
