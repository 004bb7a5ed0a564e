package io.courant.stream.internal;

import io.courant.client.Courant;
import io.courant.client.Partitioner;
import io.courant.client.RecordMetadata;
import io.courant.client.TopicPartition;
import io.courant.log.Header;
import io.courant.log.Partition.Acks;
import io.courant.stream.ProducerMessage.Envelope;
import io.courant.stream.ProducerMessage.Message;
import io.courant.stream.ProducerMessage.MultiMessage;
import io.courant.stream.ProducerMessage.MultiResult;
import io.courant.stream.ProducerMessage.MultiResultPart;
import io.courant.stream.ProducerMessage.PassThroughResult;
import io.courant.stream.ProducerMessage.Result;
import io.courant.stream.ProducerMessage.Results;
import io.courant.stream.ProducerRecord;
import io.courant.stream.ProducerSettings;
import io.courant.topic.TopicDescription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The producer stage behind every {@code Producer} flow and sink. Records are gathered per
 * partition into batches, sent when full ({@code batch.size}) or old ({@code linger.ms}), with at
 * most {@code max.in.flight.requests.per.connection} batches in flight per partition and {@code
 * max-batches-in-flight} in all; results go out in input order. The stage pulls only while it holds
 * less than {@code buffer.memory} bytes of records (gathered, in flight, or done but not yet taken
 * downstream): a slow partition or a slow downstream slows the stream instead of filling memory.
 */
public final class ProducerStage<K, V, P> extends GraphStage<FlowShape<Envelope<K, V, P>, Results<K, V, P>>> {
  private static final int RECORD_OVERHEAD = 24;

  private final Inlet<Envelope<K, V, P>> in = Inlet.create("CourantProducer.in");
  private final Outlet<Results<K, V, P>> out = Outlet.create("CourantProducer.out");
  private final FlowShape<Envelope<K, V, P>, Results<K, V, P>> shape = FlowShape.of(in, out);
  private final ProducerSettings<K, V> settings;

  public ProducerStage(ProducerSettings<K, V> settings) {
    this.settings = settings;
  }

  @Override
  public FlowShape<Envelope<K, V, P>, Results<K, V, P>> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("CourantProducer");
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  /** An envelope waiting for its records to be stored. */
  private final class Pending {
    final Envelope<K, V, P> envelope;
    final List<ProducerRecord<K, V>> records;
    final RecordMetadata[] metadata;
    int outstanding;
    long bytes;

    Pending(Envelope<K, V, P> envelope, List<ProducerRecord<K, V>> records) {
      this.envelope = envelope;
      this.records = records;
      this.metadata = new RecordMetadata[records.size()];
      this.outstanding = records.size();
    }

    Results<K, V, P> result() {
      if (envelope instanceof Message<K, V, P> m) {
        return new Result<>(metadata[0], m);
      } else if (envelope instanceof MultiMessage<K, V, P> m) {
        List<MultiResultPart<K, V>> parts = new ArrayList<>(metadata.length);
        for (int i = 0; i < metadata.length; i++) {
          parts.add(new MultiResultPart<>(metadata[i], records.get(i)));
        }
        return new MultiResult<>(parts, m.passThrough());
      }
      return new PassThroughResult<>(envelope.passThrough());
    }
  }

  /** Records of one partition sent together. */
  private final class Batch {
    final TopicPartition tp;
    final long createdNanos = System.nanoTime();
    final List<io.courant.client.ProducerRecord> records = new ArrayList<>();
    final List<Pending> owners = new ArrayList<>();
    int[] indexes = new int[16];
    long bytes;
    /** No more records go into it: the sticky partitioner moved on because the next did not fit. */
    boolean closed;

    Batch(TopicPartition tp) {
      this.tp = tp;
    }
  }

  private final class PartitionQueue {
    final ArrayDeque<Batch> batches = new ArrayDeque<>();
    int inFlight;
  }

  private static final class TopicInfo {
    final int partitions;
    final long loadedNanos = System.nanoTime();
    int sticky;
    long stickyBytes;

    TopicInfo(int partitions) {
      this.partitions = partitions;
      this.sticky = ThreadLocalRandom.current().nextInt(partitions);
    }
  }

  /** A batch's reply. */
  private final class Sent {
    final Batch batch;
    final List<RecordMetadata> metadata;
    final Throwable failure;

    Sent(Batch batch, List<RecordMetadata> metadata, Throwable failure) {
      this.batch = batch;
      this.metadata = metadata;
      this.failure = failure;
    }
  }

  private record TopicLoaded(String topic, TopicDescription description, Throwable failure) {}

  private final class Logic extends TimerGraphStageLogic implements InHandler, OutHandler {
    private final Map<String, TopicInfo> topics = new HashMap<>();
    private final Map<TopicPartition, PartitionQueue> queues = new LinkedHashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Acks acks = settings.acks();
    private final String compressionType = settings.compressionType();
    private final int batchSize = settings.batchSize();
    private final Duration linger = settings.linger();
    private final long bufferMemory = settings.bufferMemory();
    private final int maxPerPartition = settings.maxInFlightPerPartition();
    private final int maxInFlight = settings.maxBatchesInFlight();
    private Courant courant;
    private Duration metadataMaxAge;
    private AsyncCallback<Sent> onSent;
    private AsyncCallback<TopicLoaded> onTopic;
    private Envelope<K, V, P> waitingForTopic;
    private final Set<String> loading = new HashSet<>();
    private int inFlight;
    private long bufferedBytes;
    private boolean upstreamDone;
    private boolean stickyClosedABatch;
    private TopicPartition lastTp;
    private PartitionQueue lastQueue;

    Logic() {
      super(shape);
      setHandlers(in, out, this);
    }

    @Override
    public void preStart() {
      courant = Courant.get(Adapter.toTyped(materializer().system()));
      metadataMaxAge = courant.settings().metadataMaxAge();
      onSent = createAsyncCallback(this::sent);
      onTopic = createAsyncCallback(this::topicLoaded);
      pull(in);
    }

    @Override
    public void onPush() {
      accept(grab(in));
    }

    @Override
    public void onPull() {
      emitDone();
    }

    @Override
    public void onUpstreamFinish() {
      upstreamDone = true;
      sendReady();
      maybeComplete();
    }

    @Override
    public void onTimer(Object key) {
      sendReady();
    }

    private void accept(Envelope<K, V, P> envelope) {
      List<ProducerRecord<K, V>> records = recordsOf(envelope);
      for (ProducerRecord<K, V> r : records) {
        if (r.partition() == null && !topics.containsKey(r.topic())) {
          waitingForTopic = envelope;
          loadTopic(r.topic());
          return;
        }
      }
      Pending p = new Pending(envelope, records);
      pending.add(p);
      boolean ready = false;
      for (int i = 0; i < records.size(); i++) {
        ready |= add(p, i, records.get(i));
      }
      if (ready) {
        sendReady();
      }
      if (records.isEmpty()) {
        emitDone(); // a pass-through has nothing to wait for
      }
      maybePull();
    }

    private List<ProducerRecord<K, V>> recordsOf(Envelope<K, V, P> envelope) {
      if (envelope instanceof Message<K, V, P> m) {
        return List.of(m.record());
      } else if (envelope instanceof MultiMessage<K, V, P> m) {
        return m.records();
      }
      return List.of();
    }

    /** Adds a record to its partition's last batch; true if a batch became ready to send. */
    private boolean add(Pending owner, int index, ProducerRecord<K, V> r) {
      byte[] key = settings.keySerializer().serialize(r.topic(), r.key());
      byte[] value = settings.valueSerializer().serialize(r.topic(), r.value());
      long size = RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
      for (Header h : r.headers()) {
        size += h.key().length() + (h.value() == null ? 0 : h.value().length);
      }
      int partition = partitionOf(r, key, size);
      PartitionQueue q;
      TopicPartition tp;
      if (lastQueue != null && lastTp.partition() == partition && lastTp.topic().equals(r.topic())) {
        q = lastQueue; // most records go where the previous one went (one key, or sticky)
        tp = lastTp;
      } else {
        tp = new TopicPartition(r.topic(), partition);
        q = queues.computeIfAbsent(tp, x -> new PartitionQueue());
        lastTp = tp;
        lastQueue = q;
      }
      Batch batch = q.batches.peekLast();
      boolean cut = stickyClosedABatch;
      stickyClosedABatch = false;
      if (batch == null || batch.closed || batch.bytes + size > batchSize) {
        cut |= batch != null; // the previous batch is full
        batch = new Batch(tp);
        q.batches.add(batch);
        if (!linger.isZero()) {
          scheduleOnce(batch, linger);
        }
      }
      batch.records.add(new io.courant.client.ProducerRecord(r.topic(), partition, r.timestamp(), key, value, r.headers()));
      batch.owners.add(owner);
      int k = batch.records.size() - 1;
      if (k == batch.indexes.length) {
        batch.indexes = java.util.Arrays.copyOf(batch.indexes, k * 2);
      }
      batch.indexes[k] = index;
      batch.bytes += size;
      owner.bytes += size;
      bufferedBytes += size;
      return cut || linger.isZero() || batch.bytes >= batchSize;
    }

    private int partitionOf(ProducerRecord<K, V> r, byte[] key, long size) {
      if (r.partition() != null) {
        return r.partition();
      }
      TopicInfo t = topics.get(r.topic());
      if (System.nanoTime() - t.loadedNanos > metadataMaxAge.toNanos()) {
        loadTopic(r.topic()); // used as it is meanwhile
      }
      if (key != null) {
        return Partitioner.partitionForKey(key, t.partitions);
      }
      // Unkeyed records stick to one partition for a batch's worth, then move on (Kafka's sticky
      // partitioner). The switch happens with the record that would not fit in the batch, as the
      // batch itself is cut: switching one record later leaves a one-record batch behind that
      // linger.ms then sends alone.
      if (t.stickyBytes > 0 && t.stickyBytes + size > batchSize) {
        PartitionQueue left = queues.get(new TopicPartition(r.topic(), t.sticky));
        if (left != null && !left.batches.isEmpty()) {
          left.batches.peekLast().closed = true; // full: send it now, not after linger.ms
          stickyClosedABatch = true;
        }
        t.sticky = (t.sticky + 1) % t.partitions;
        t.stickyBytes = 0;
      }
      t.stickyBytes += size;
      return t.sticky;
    }

    private void loadTopic(String topic) {
      if (loading.add(topic)) {
        courant.describeTopic(topic).whenComplete((d, failure) -> onTopic.invoke(new TopicLoaded(topic, d, failure)));
      }
    }

    private void topicLoaded(TopicLoaded loaded) {
      loading.remove(loaded.topic());
      if (loaded.failure() != null) {
        failStage(unwrap(loaded.failure()));
        return;
      }
      TopicInfo previous = topics.get(loaded.topic());
      TopicInfo next = new TopicInfo(loaded.description().partitions());
      if (previous != null && previous.sticky < next.partitions) {
        next.sticky = previous.sticky;
        next.stickyBytes = previous.stickyBytes;
      }
      topics.put(loaded.topic(), next);
      if (waitingForTopic != null) {
        Envelope<K, V, P> envelope = waitingForTopic;
        waitingForTopic = null;
        accept(envelope);
        if (upstreamDone) {
          sendReady();
          maybeComplete();
        }
      }
    }

    /**
     * Sends every batch that is ready and has a free slot. A partition that sent goes to the back
     * of the order, so that with more ready partitions than slots none waits for ever.
     */
    private void sendReady() {
      long now = System.nanoTime();
      List<TopicPartition> served = new ArrayList<>();
      for (Map.Entry<TopicPartition, PartitionQueue> e : queues.entrySet()) {
        if (inFlight >= maxInFlight) {
          break;
        }
        PartitionQueue q = e.getValue();
        boolean sent = false;
        while (inFlight < maxInFlight && q.inFlight < maxPerPartition && !q.batches.isEmpty() && ready(q, now)) {
          send(q, q.batches.poll());
          sent = true;
        }
        if (sent) {
          served.add(e.getKey());
        }
      }
      for (TopicPartition tp : served) {
        queues.put(tp, queues.remove(tp));
      }
    }

    private boolean ready(PartitionQueue q, long now) {
      Batch head = q.batches.peek();
      return q.batches.size() > 1 || head.closed || head.bytes >= batchSize || now - head.createdNanos >= linger.toNanos() || upstreamDone
          || waitingForTopic == null && isClosed(in);
    }

    private void send(PartitionQueue q, Batch batch) {
      inFlight++;
      q.inFlight++;
      courant.sendAll(batch.records, acks, compressionType).whenComplete((metadata, failure) -> onSent.invoke(new Sent(batch, metadata, failure)));
    }

    private void sent(Sent s) {
      inFlight--;
      queues.get(s.batch.tp).inFlight--;
      if (s.failure != null) {
        failStage(unwrap(s.failure));
        return;
      }
      Batch b = s.batch;
      for (int k = 0; k < b.records.size(); k++) {
        Pending owner = b.owners.get(k);
        owner.metadata[b.indexes[k]] = s.metadata.get(k);
        owner.outstanding--;
      }
      emitDone();
      sendReady();
      maybePull();
      maybeComplete();
    }

    /** Pushes finished envelopes, in input order. */
    private void emitDone() {
      while (isAvailable(out) && !pending.isEmpty() && pending.peek().outstanding == 0) {
        Pending p = pending.poll();
        bufferedBytes -= p.bytes;
        push(out, p.result());
      }
      maybePull();
      maybeComplete();
    }

    private void maybePull() {
      if (!upstreamDone && waitingForTopic == null && bufferedBytes < bufferMemory && !hasBeenPulled(in) && !isClosed(in)) {
        pull(in);
      }
    }

    private void maybeComplete() {
      if (upstreamDone && waitingForTopic == null && pending.isEmpty()) {
        completeStage();
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
