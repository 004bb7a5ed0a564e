package io.courant.stream.internal;

import io.courant.client.ConsumerRecord;
import io.courant.client.TopicPartition;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;

/**
 * The bounded hand-over between a consumer's poll loop (which offers records) and the stream stage
 * that emits them (which takes them). The loop polls for a lane only while it has room, so a slow
 * stream leaves records in the log instead of in memory; the stage is told of new records through
 * the listener it attaches, and the loop is woken when the lane drains below its capacity.
 */
public final class RecordLane {
  private final int capacity;
  private final Runnable onRoom;
  private final ArrayDeque<ConsumerRecord> records = new ArrayDeque<>();
  private Runnable listener;
  private boolean attached;
  private boolean completed;
  private Throwable failure;
  /** Set when the records still held are to be dropped: the reader drops what it took too. */
  private volatile boolean dropAll;

  /**
   * @param capacity records the lane holds before the loop stops polling for it
   * @param onRoom called (on the stage's thread) when the lane drops below capacity
   */
  public RecordLane(int capacity, Runnable onRoom) {
    this.capacity = capacity;
    this.onRoom = onRoom;
  }

  /** Called once by the stage that reads the lane; {@code listener} is called when there is news. */
  public void attach(Runnable listener) {
    synchronized (this) {
      if (attached) {
        throw new IllegalStateException("a partition source can be materialized only once");
      }
      attached = true;
      this.listener = listener;
    }
    listener.run();
  }

  /** The stage is gone: nothing will be read any more. */
  public synchronized void detach() {
    listener = null;
    completed = true;
    records.clear();
  }

  public void offer(List<ConsumerRecord> batch) {
    Runnable l;
    synchronized (this) {
      if (completed) {
        return;
      }
      records.addAll(batch);
      l = listener;
    }
    if (l != null) {
      l.run();
    }
  }

  /** Moves up to {@code into.length} records into {@code into}; returns how many. */
  public int take(ConsumerRecord[] into) {
    int n;
    boolean crossed;
    synchronized (this) {
      int before = records.size();
      n = Math.min(into.length, before);
      for (int i = 0; i < n; i++) {
        into[i] = records.poll();
      }
      crossed = before >= capacity && records.size() < capacity;
    }
    if (crossed) {
      onRoom.run();
    }
    return n;
  }

  /** Drops the records of these partitions (revoked: another member will read them). */
  public synchronized void drop(Collection<TopicPartition> partitions) {
    records.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
  }

  /** No more records will come; the reader completes once the lane is empty (or at once: {@code dropRest}). */
  public void complete(boolean dropRest) {
    Runnable l;
    synchronized (this) {
      completed = true;
      if (dropRest) {
        records.clear();
        dropAll = true;
      }
      l = listener;
    }
    if (l != null) {
      l.run();
    }
  }

  public void fail(Throwable cause) {
    Runnable l;
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
      completed = true;
      l = listener;
    }
    if (l != null) {
      l.run();
    }
  }

  public synchronized boolean hasRoom() {
    return !completed && records.size() < capacity;
  }

  public synchronized int size() {
    return records.size();
  }

  /** True once the reader must emit nothing more, not even records it has taken already. */
  public boolean dropAll() {
    return dropAll;
  }

  /** The failure the reader must fail with, or null. */
  public synchronized Throwable failure() {
    return failure;
  }

  /** True when the reader must complete (or fail): no more records now or later. */
  public synchronized boolean finished() {
    return completed && (records.isEmpty() || failure != null);
  }
}
