package io.courant.stream.dsl.internal;

import io.courant.client.ConsumerRebalanceListener;
import io.courant.client.ConsumerRecord;
import io.courant.client.ConsumerSettings;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Header;
import io.courant.log.Partition.Acks;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.StateStore;
import io.courant.stream.dsl.StreamsConfig;
import io.courant.stream.dsl.TimestampExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing loop of one {@code CourantStreams} instance, Kafka Streams' {@code StreamThread}:
 * a consumer in the application's group (the range assignor gives a member the same partition
 * numbers of every input topic, so co-partitioned topics meet in one task), one {@link StreamTask}
 * per assigned (sub-topology, partition), restored from its {@link TaskStateEntity} before it reads.
 * A commit first stores the outputs, then persists each task's store changes with its input
 * offsets in one event, then commits the offsets to the group (for lag, not for recovery).
 */
public final class StreamThread extends Thread {
  private static final Logger log = LoggerFactory.getLogger(StreamThread.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  /** What the owning {@code CourantStreams} hears. */
  public interface Listener {
    void rebalancing();

    void running();

    void failed(Throwable error);
  }

  private final ActorSystem<?> system;
  private final Courant courant;
  private final GraphBuilder graph;
  private final List<SubTopology> subs;
  private final StreamsConfig config;
  private final StreamsMetricsImpl metrics;
  private final String owner;
  private final Listener listener;
  private final Map<String, SubTopology> subByTopic = new HashMap<>();
  private final Map<String, StreamTask> tasks = new LinkedHashMap<>();
  private final Set<StreamTask> dirty = new HashSet<>();
  private final List<ProducerRecord> outputs = new ArrayList<>();
  /** Keys, values and a per-record allowance of one sendAll of outputs: half the default max.message.bytes. */
  private static final long OUTPUT_CHUNK_BYTES = 512 * 1024;
  private final Env env;
  private volatile boolean running = true;
  private boolean failed;
  private CourantConsumer consumer;
  private CourantConsumer globalConsumer;
  private long lastCommit = System.nanoTime();

  public StreamThread(ActorSystem<?> system, GraphBuilder graph, List<SubTopology> subs, StreamsConfig config, StreamsMetricsImpl metrics,
      String owner, Listener listener) {
    super("courant-streams-" + config.applicationId() + "-" + owner);
    setDaemon(true);
    this.system = system;
    this.courant = Courant.get(system);
    this.graph = graph;
    this.subs = subs;
    this.config = config;
    this.metrics = metrics;
    this.owner = owner;
    this.listener = listener;
    subs.forEach(s -> s.sourceTopics().keySet().forEach(t -> subByTopic.put(t, s)));
    this.env = new Env();
  }

  /** Asks the loop to commit what it processed and stop. */
  public void shutdown() {
    running = false;
  }

  @Override
  public void run() {
    try {
      startGlobalTables();
      consumer = new CourantConsumer(system, ConsumerSettings.create(config.applicationId())
          .with("partition.assignment.strategy", "range")
          .with("auto.offset.reset", config.autoOffsetReset())
          .with("enable.auto.commit", "false")
          .with("max.poll.records", String.valueOf(config.maxPollRecords()))
          .with("session.timeout.ms", String.valueOf(config.sessionTimeoutMs()))
          .with("heartbeat.interval.ms", String.valueOf(Math.max(100, config.sessionTimeoutMs() / 10))));
      listener.rebalancing();
      consumer.subscribe(subByTopic.keySet(), new Rebalance());
      while (running) {
        for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
          SubTopology sub = subByTopic.get(r.topic());
          StreamTask task = tasks.get(sub.id() + "_" + r.partition());
          if (task == null) {
            continue; // its task was fenced by a newer owner: the group moves the partition
          }
          task.process(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
          dirty.add(task);
        }
        long now = System.currentTimeMillis();
        for (StreamTask t : tasks.values()) {
          t.punctuateWallClock(now);
        }
        pollGlobalTables(Duration.ofMillis(1));
        if (System.nanoTime() - lastCommit >= TimeUnit.MILLISECONDS.toNanos(config.commitIntervalMs())) {
          commit();
        }
      }
      commit();
    } catch (Throwable e) {
      // what was processed since the last commit is dropped with its input position: the record that failed may have
      // left partial effects, so nothing more may be committed (closing the consumer below calls onPartitionsRevoked)
      failed = true;
      outputs.clear();
      dirty.clear();
      listener.failed(e);
    } finally {
      tasks.values().forEach(StreamTask::close);
      tasks.clear();
      if (consumer != null) {
        closeQuietly(consumer);
      }
      if (globalConsumer != null) {
        closeQuietly(globalConsumer);
      }
    }
  }

  private static void closeQuietly(CourantConsumer c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      log.debug("closing a streams consumer failed", e);
    }
  }

  // ---- global tables: a full copy on every instance, read from the beginning at start

  private void startGlobalTables() {
    if (graph.globals().isEmpty()) {
      return;
    }
    List<TopicPartition> all = new ArrayList<>();
    for (GraphBuilder.GlobalSpec g : graph.globals().values()) {
      int n = courant.describeTopic(g.topic()).toCompletableFuture().join().partitions();
      for (int p = 0; p < n; p++) {
        all.add(new TopicPartition(g.topic(), p));
      }
    }
    globalConsumer = new CourantConsumer(system, ConsumerSettings.create(""));
    globalConsumer.assign(all);
    globalConsumer.seekToBeginning(all);
    Map<TopicPartition, Long> end = globalConsumer.endOffsets(all);
    // bootstrap: the tasks start only once the global stores hold everything written before start
    while (running && end.entrySet().stream().anyMatch(e -> globalConsumer.position(e.getKey()) < e.getValue())) {
      pollGlobalTables(Duration.ofMillis(100));
    }
  }

  private void pollGlobalTables(Duration timeout) {
    if (globalConsumer == null) {
      return;
    }
    for (ConsumerRecord r : globalConsumer.poll(timeout)) {
      env.updateGlobal(r.topic(), r.key(), r.value());
    }
  }

  // ---- tasks

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      listener.rebalancing();
      commit();
      closeTasksOf(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      listener.rebalancing();
      outputs.clear();
      dirty.clear();
      closeTasksOf(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<String, List<TopicPartition>> byTask = new LinkedHashMap<>();
      for (TopicPartition tp : partitions) {
        SubTopology sub = subByTopic.get(tp.topic());
        byTask.computeIfAbsent(sub.id() + "_" + tp.partition(), k -> new ArrayList<>()).add(tp);
      }
      byTask.forEach((taskId, tps) -> {
        if (!tasks.containsKey(taskId)) {
          openTask(subByTopic.get(tps.get(0).topic()), tps.get(0).partition(), tps);
        }
      });
      listener.running();
    }
  }

  private void closeTasksOf(Collection<TopicPartition> partitions) {
    Set<String> ids = new HashSet<>();
    for (TopicPartition tp : partitions) {
      ids.add(subByTopic.get(tp.topic()).id() + "_" + tp.partition());
    }
    for (String id : ids) {
      StreamTask t = tasks.remove(id);
      if (t != null) {
        dirty.remove(t);
        t.close();
      }
    }
  }

  private void openTask(SubTopology sub, int partition, List<TopicPartition> assigned) {
    StreamTask task = new StreamTask(graph, sub, partition, env);
    TaskStateEntity.Restored restored = AskPattern.<TaskStateEntity.Command, TaskStateEntity.Restored>ask(entity(task.id()),
        r -> new TaskStateEntity.Restore(owner, r), ASK_TIMEOUT, system.scheduler()).toCompletableFuture().join();
    for (TaskStateEntity.StoreEntry e : restored.entries()) {
      task.restore(e.store(), e.key(), e.value());
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    restored.offsets().forEach((tp, offset) -> {
      int cut = tp.lastIndexOf(':');
      offsets.put(new TopicPartition(tp.substring(0, cut), Integer.parseInt(tp.substring(cut + 1))), offset);
    });
    task.restorePosition(offsets, restored.streamTime());
    task.init();
    for (TopicPartition tp : assigned) {
      Long next = offsets.get(tp);
      if (next != null) {
        consumer.seek(tp, next); // resume right after the last input whose effects were persisted
      }
    }
    tasks.put(task.id(), task);
    log.info("streams task {} of {} restored: {} store entries, offsets {}", task.id(), config.applicationId(), restored.entries().size(),
        restored.offsets());
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<TaskStateEntity.Command> entity(String taskId) {
    return ClusterSharding.get(system).entityRefFor(TaskStateEntity.ENTITY_KEY, TaskStateEntity.entityId(config.applicationId(), taskId));
  }

  /**
   * Sends the outputs in order, in chunks of at most {@link #OUTPUT_CHUNK_BYTES} of keys and values:
   * sendAll makes one batch per partition, and a commit interval's outputs to one partition can
   * exceed max.message.bytes (1 MiB by default). Each chunk is acknowledged before the next is sent,
   * so that a partition receives its records in the order they were produced.
   */
  private void sendOutputs() {
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < outputs.size(); i++) {
      ProducerRecord r = outputs.get(i);
      bytes += 64 + (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
      if (bytes >= OUTPUT_CHUNK_BYTES || i == outputs.size() - 1) {
        courant.sendAll(List.copyOf(outputs.subList(from, i + 1)), Acks.ALL).toCompletableFuture().join();
        from = i + 1;
        bytes = 0;
      }
    }
  }

  /** Outputs first, then each task's changes with its offsets, then the group's offsets. */
  private void commit() {
    if (failed) {
      return;
    }
    lastCommit = System.nanoTime();
    for (StreamTask t : tasks.values()) {
      if (t.hasChanges()) {
        dirty.add(t);
      }
    }
    if (dirty.isEmpty() && outputs.isEmpty()) {
      return;
    }
    if (!outputs.isEmpty()) {
      sendOutputs();
      outputs.clear();
    }
    Map<StreamTask, CompletableFuture<Done>> applies = new LinkedHashMap<>();
    Map<TopicPartition, io.courant.group.OffsetAndMetadata> groupOffsets = new HashMap<>();
    for (StreamTask t : dirty) {
      Map<String, Long> offsets = new HashMap<>();
      t.nextOffsets().forEach((tp, o) -> {
        offsets.put(tp.topic() + ":" + tp.partition(), o);
        groupOffsets.put(tp, new io.courant.group.OffsetAndMetadata(o, "", System.currentTimeMillis()));
      });
      List<TaskStateEntity.StoreEntry> changes = t.takeChanges().stream()
          .map(c -> new TaskStateEntity.StoreEntry(c.store(), c.key(), c.value())).toList();
      applies.put(t, AskPattern.<TaskStateEntity.Command, StatusReply<Done>>ask(entity(t.id()),
          r -> new TaskStateEntity.Apply(owner, offsets, t.streamTime(), changes, r), ASK_TIMEOUT, system.scheduler())
          .toCompletableFuture().thenApply(StatusReply::getValue));
    }
    dirty.clear();
    applies.forEach((t, f) -> {
      try {
        f.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof StatusReply.ErrorMessage) {
          log.info("streams task {} was taken over by another instance: dropping it ({})", t.id(), e.getCause().getMessage());
          tasks.remove(t.id());
          t.close();
        } else {
          throw e;
        }
      }
    });
    if (!groupOffsets.isEmpty()) {
      consumer.commitAsync(groupOffsets, (o, e) -> {});
    }
  }

  private final class Env extends ConfigTaskEnv {
    Env() {
      super(config, metrics, graph);
    }

    @Override
    public void send(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers) {
      outputs.add(new ProducerRecord(topic, null, timestamp, key, value, headers));
    }

    @Override
    public long wallClockMs() {
      return System.currentTimeMillis();
    }
  }
}
