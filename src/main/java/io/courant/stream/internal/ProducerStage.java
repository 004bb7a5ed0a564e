package io.courant.stream.internal;

import io.courant.client.Courant;
import io.courant.client.Partitioner;
import io.courant.client.RecordMetadata;
import io.courant.client.TopicPartition;
import io.courant.log.Header;
import io.courant.log.Partition;
import io.courant.log.Partition.Acks;
import io.courant.log.internal.kafka.RecordBatches;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.NotUsed;
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
 * The producer stage behind every {@code Producer} flow and sink. Records are encoded straight into
 * a Kafka record batch per partition (no intermediate record objects), each appended through {@link
 * Courant#append} when full ({@code batch.size} bytes encoded, cut as Kafka's producer cuts) or old
 * ({@code linger.ms}), with at most {@code max.in.flight.requests.per.connection} batches in flight
 * per partition and {@code max-batches-in-flight} in all. The stage pulls only while it holds less
 * than {@code buffer.memory} bytes of records (gathered, in flight, or done but not yet taken
 * downstream): a slow partition or a slow downstream slows the stream instead of filling memory.
 *
 * <p>Its input is either envelopes ({@link #flow}: a result per envelope, in input order) or bare
 * records ({@link #sink}: nothing is kept per record and nothing is emitted; the stage completes
 * once every record is stored).
 *
 * @param <I> what comes in: {@code Envelope<K, V, P>} or {@code ProducerRecord<K, V>}
 */
public final class ProducerStage<I, K, V, P> extends GraphStage<FlowShape<I, Results<K, V, P>>> {
  private static final int RECORD_OVERHEAD = 24;
  /** Buffers of sent batches kept for new ones. */
  private static final int MAX_FREE_BUFFERS = 16;

  private final Inlet<I> in = Inlet.create("CourantProducer.in");
  private final Outlet<Results<K, V, P>> out = Outlet.create("CourantProducer.out");
  private final FlowShape<I, Results<K, V, P>> shape = FlowShape.of(in, out);
  private final ProducerSettings<K, V> settings;

  private ProducerStage(ProducerSettings<K, V> settings) {
    this.settings = settings;
  }

  /** Stores each envelope's records and emits its results, in input order. */
  public static <K, V, P> ProducerStage<Envelope<K, V, P>, K, V, P> flow(ProducerSettings<K, V> settings) {
    return new ProducerStage<>(settings);
  }

  /** Stores records and emits nothing: the plain sink's path, with no per-record bookkeeping. */
  public static <K, V> ProducerStage<ProducerRecord<K, V>, K, V, NotUsed> sink(ProducerSettings<K, V> settings) {
    return new ProducerStage<>(settings);
  }

  @Override
  public FlowShape<I, Results<K, V, P>> shape() {
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

  /** Records of one partition, encoded as they come, sent together. */
  private final class Batch {
    final TopicPartition tp;
    final long createdNanos = System.nanoTime();
    final ByteBuffer buffer;
    final RecordBatches.Builder builder;
    int count;
    long bytes;
    /** Bytes of bare records (no owner to release them when taken downstream). */
    long unownedBytes;
    /** For envelopes only: each record's envelope, its index there, and its timestamp. */
    Object[] owners; // Pending (an inner class of a generic class: no generic array)
    int[] indexes;
    long[] timestamps;
    /** No more records go into it: the sticky partitioner moved on because the next did not fit. */
    boolean closed;

    Batch(TopicPartition tp, ByteBuffer buffer, String compressionType) {
      this.tp = tp;
      this.buffer = buffer;
      this.builder = new RecordBatches.Builder(buffer, compressionType, -1L, (short) -1, -1);
    }

    void own(int k, Pending owner, int index, long timestamp) {
      if (owners == null) {
        owners = new Object[16];
        indexes = new int[16];
        timestamps = new long[16];
      } else if (k == owners.length) {
        owners = Arrays.copyOf(owners, k * 2);
        indexes = Arrays.copyOf(indexes, k * 2);
        timestamps = Arrays.copyOf(timestamps, k * 2);
      }
      owners[k] = owner;
      indexes[k] = index;
      timestamps[k] = timestamp;
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

    TopicInfo(int partitions) {
      this.partitions = partitions;
      this.sticky = ThreadLocalRandom.current().nextInt(partitions);
    }
  }

  /** A batch's reply. */
  private final class Sent {
    final Batch batch;
    final Partition.Appended appended;
    final Throwable failure;

    Sent(Batch batch, Partition.Appended appended, Throwable failure) {
      this.batch = batch;
      this.appended = appended;
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
    private final long lingerNanos = settings.linger().toNanos();
    private final long bufferMemory = settings.bufferMemory();
    private final int maxPerPartition = settings.maxInFlightPerPartition();
    private final int maxInFlight = settings.maxBatchesInFlight();
    private Courant courant;
    private long metadataMaxAgeNanos;
    private AsyncCallback<Sent> onSent;
    private AsyncCallback<TopicLoaded> onTopic;
    private I waitingForTopic;
    private final Set<String> loading = new HashSet<>();
    private final ArrayDeque<ByteBuffer> freeBuffers = new ArrayDeque<>();
    private int inFlight;
    /** Batches made and not yet stored. */
    private int open;
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
      metadataMaxAgeNanos = courant.settings().metadataMaxAge().toNanos();
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

    @SuppressWarnings("unchecked")
    private void accept(I element) {
      if (element instanceof ProducerRecord<?, ?> bare) {
        ProducerRecord<K, V> r = (ProducerRecord<K, V>) bare;
        if (r.partition() == null && !topics.containsKey(r.topic())) {
          waitForTopic(element, r.topic());
          return;
        }
        if (add(null, 0, r)) {
          sendReady();
        }
        maybePull();
        return;
      }
      Envelope<K, V, P> envelope = (Envelope<K, V, P>) element;
      List<ProducerRecord<K, V>> records = recordsOf(envelope);
      for (ProducerRecord<K, V> r : records) {
        if (r.partition() == null && !topics.containsKey(r.topic())) {
          waitForTopic(element, r.topic());
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

    private void waitForTopic(I element, String topic) {
      waitingForTopic = element;
      loadTopic(topic);
    }

    private List<ProducerRecord<K, V>> recordsOf(Envelope<K, V, P> envelope) {
      if (envelope instanceof Message<K, V, P> m) {
        return List.of(m.record());
      } else if (envelope instanceof MultiMessage<K, V, P> m) {
        return m.records();
      }
      return List.of();
    }

    /**
     * Encodes a record into its partition's open batch (a new one if it does not fit); true if a
     * batch became ready to send. {@code owner} is null for a bare record.
     */
    private boolean add(Pending owner, int index, ProducerRecord<K, V> r) {
      byte[] key = settings.keySerializer().serialize(r.topic(), r.key());
      byte[] value = settings.valueSerializer().serialize(r.topic(), r.value());
      List<Header> headers = r.headers();
      long size = RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
      if (!headers.isEmpty()) {
        for (Header h : headers) {
          size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
      }
      long timestamp = r.timestamp() == null ? System.currentTimeMillis() : r.timestamp();
      int partition = partitionOf(r, key, value, timestamp);
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
      if (batch == null || batch.closed || !batch.builder.hasRoomFor(timestamp, key, value, headers)) {
        cut |= batch != null; // the previous batch is full
        batch = new Batch(tp, buffer(), compressionType);
        q.batches.add(batch);
        open++;
        if (lingerNanos > 0) {
          scheduleOnce(batch, linger);
        }
      }
      batch.builder.append(timestamp, key, value, headers);
      if (owner != null) {
        batch.own(batch.count, owner, index, timestamp);
        owner.bytes += size;
      } else {
        batch.unownedBytes += size;
      }
      batch.count++;
      batch.bytes += size;
      bufferedBytes += size;
      return cut || lingerNanos == 0 || batch.builder.isFull();
    }

    private int partitionOf(ProducerRecord<K, V> r, byte[] key, byte[] value, long timestamp) {
      if (r.partition() != null) {
        return r.partition();
      }
      TopicInfo t = topics.get(r.topic());
      if (System.nanoTime() - t.loadedNanos > metadataMaxAgeNanos) {
        loadTopic(r.topic()); // used as it is meanwhile
      }
      if (key != null) {
        return Partitioner.partitionForKey(key, t.partitions);
      }
      // Unkeyed records stick to one partition for a batch's worth, then move on (Kafka's sticky
      // partitioner). The switch happens with the record that does not fit in the partition's open
      // batch, as that batch is cut: switching one record later would leave a one-record batch
      // behind that linger.ms then sends alone.
      PartitionQueue q = lastQueue != null && lastTp.partition() == t.sticky && lastTp.topic().equals(r.topic())
          ? lastQueue : queues.get(new TopicPartition(r.topic(), t.sticky));
      Batch open = q == null ? null : q.batches.peekLast();
      if (open != null && !open.closed && !open.builder.hasRoomFor(timestamp, key, value, r.headers())) {
        open.closed = true; // full: send it now, not after linger.ms
        stickyClosedABatch = true;
        t.sticky = (t.sticky + 1) % t.partitions;
      }
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
      }
      topics.put(loaded.topic(), next);
      if (waitingForTopic != null) {
        I element = waitingForTopic;
        waitingForTopic = null;
        accept(element);
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
      List<TopicPartition> served = null;
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
          if (served == null) {
            served = new ArrayList<>();
          }
          served.add(e.getKey());
        }
      }
      if (served != null) {
        for (TopicPartition tp : served) {
          queues.put(tp, queues.remove(tp));
        }
      }
    }

    /**
     * A buffer of {@code batch.size} bytes for a new batch, reused from sent ones (encoding each
     * batch into a new zeroed 16 KiB buffer showed in the produce path's profile).
     */
    private ByteBuffer buffer() {
      ByteBuffer b = freeBuffers.poll();
      return b == null ? ByteBuffer.allocate(Math.max(64, batchSize)) : b.clear();
    }

    private boolean ready(PartitionQueue q, long now) {
      Batch head = q.batches.peek();
      return q.batches.size() > 1 || head.closed || now - head.createdNanos >= lingerNanos || upstreamDone
          || head.builder.isFull() || waitingForTopic == null && isClosed(in);
    }

    private void send(PartitionQueue q, Batch batch) {
      inFlight++;
      q.inFlight++;
      byte[] encoded = batch.builder.buildCopy();
      if (freeBuffers.size() < MAX_FREE_BUFFERS) {
        freeBuffers.push(batch.buffer); // copied out: the next batch writes into it
      }
      courant.append(batch.tp, encoded, acks)
          .whenComplete((appended, failure) -> onSent.invoke(new Sent(batch, appended, failure)));
    }

    private void sent(Sent s) {
      inFlight--;
      open--;
      queues.get(s.batch.tp).inFlight--;
      if (s.failure != null) {
        failStage(unwrap(s.failure));
        return;
      }
      Batch b = s.batch;
      bufferedBytes -= b.unownedBytes;
      if (b.owners != null) {
        long appendTime = s.appended.logAppendTime();
        for (int k = 0; k < b.count; k++) {
          Pending owner = (Pending) b.owners[k];
          owner.metadata[b.indexes[k]] = new RecordMetadata(b.tp.topic(), b.tp.partition(), s.appended.baseOffset() + k,
              appendTime >= 0 ? appendTime : b.timestamps[k]);
          owner.outstanding--;
        }
        emitDone();
      }
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
      if (upstreamDone && waitingForTopic == null && pending.isEmpty() && open == 0) {
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
