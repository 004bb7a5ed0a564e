package io.courant.stream.internal;

import io.courant.client.ConsumerRecord;
import io.courant.client.TopicPartition;
import io.courant.stream.Consumer;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.OutHandler;

/**
 * A source of sub-sources, one per assigned partition, each with its own bounded lane: a slow
 * sub-stream pauses only its partition. A revoked partition's sub-source completes.
 */
public final class PartitionedSourceStage<T>
    extends AbstractGraphStageWithMaterializedValue<SourceShape<Pair<TopicPartition, Source<T, NotUsed>>>, Consumer.Control> {
  private final Outlet<Pair<TopicPartition, Source<T, NotUsed>>> out = Outlet.create("CourantPartitionedSource.out");
  private final SourceShape<Pair<TopicPartition, Source<T, NotUsed>>> shape = SourceShape.of(out);
  private final ConsumerSettings<?, ?> settings;
  private final Subscription.AutoSubscription subscription;
  private final BiFunction<ConsumerRecord, OffsetCommitter, T> toMessage;

  public PartitionedSourceStage(ConsumerSettings<?, ?> settings, Subscription.AutoSubscription subscription,
      BiFunction<ConsumerRecord, OffsetCommitter, T> toMessage) {
    this.settings = settings;
    this.subscription = subscription;
    this.toMessage = toMessage;
  }

  @Override
  public SourceShape<Pair<TopicPartition, Source<T, NotUsed>>> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("CourantPartitionedSource");
  }

  @Override
  public Pair<GraphStageLogic, Consumer.Control> createLogicAndMaterializedValuePair(Attributes attributes) {
    ConsumerControl control = new ConsumerControl();
    return Pair.create(new Logic(control), control);
  }

  private final class Logic extends GraphStageLogic implements OutHandler, ConsumerLoop.Routing {
    private final ConsumerControl control;
    private final Map<TopicPartition, RecordLane> lanes = new ConcurrentHashMap<>();
    private final ArrayDeque<Pair<TopicPartition, Source<T, NotUsed>>> ready = new ArrayDeque<>();
    private ConsumerLoop loop;
    private AsyncCallback<List<Pair<TopicPartition, Source<T, NotUsed>>>> onAssigned;
    private AsyncCallback<Throwable> onFinished;
    private boolean finishing;
    private Throwable failure;

    Logic(ConsumerControl control) {
      super(shape);
      this.control = control;
      setHandler(out, this);
    }

    @Override
    public void preStart() {
      onAssigned = createAsyncCallback(sources -> {
        ready.addAll(sources);
        emitReady();
      });
      onFinished = createAsyncCallback(cause -> {
        finishing = true;
        failure = cause;
        emitReady();
      });
      loop = new ConsumerLoop(Adapter.toTyped(materializer().system()), settings, subscription, true);
      control.started(loop, () -> lanes.values().stream().mapToLong(RecordLane::size).sum());
      loop.start(this);
    }

    @Override
    public void onPull() {
      emitReady();
    }

    private void emitReady() {
      if (isAvailable(out) && !ready.isEmpty()) {
        push(out, ready.poll());
      }
      if (finishing && ready.isEmpty()) {
        if (failure != null) {
          failStage(failure);
        } else {
          completeStage();
        }
      }
    }

    @Override
    public void postStop() {
      if (loop != null && !loop.stopRequested()) {
        loop.shutdown();
      }
    }

    // ---- routing, called from the loop's steps

    @Override
    public boolean hasRoom() {
      if (lanes.isEmpty()) {
        return true; // poll: joining the group is what brings partitions
      }
      for (RecordLane lane : lanes.values()) {
        if (lane.hasRoom()) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean wants(TopicPartition tp) {
      RecordLane lane = lanes.get(tp);
      return lane != null && lane.hasRoom();
    }

    @Override
    public void deliver(List<ConsumerRecord> records) {
      Map<TopicPartition, List<ConsumerRecord>> byPartition = new LinkedHashMap<>();
      for (ConsumerRecord r : records) {
        byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
      }
      byPartition.forEach((tp, list) -> {
        RecordLane lane = lanes.get(tp);
        if (lane != null) {
          lane.offer(list);
        }
      });
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
      List<Pair<TopicPartition, Source<T, NotUsed>>> sources = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        RecordLane lane = new RecordLane(settings.toClientSettings().maxPollRecords(), loop::wakeup);
        RecordLane previous = lanes.put(tp, lane);
        if (previous != null) {
          previous.complete(true);
        }
        sources.add(Pair.create(tp, Source.fromGraph(new SubSource(tp, lane))));
      }
      if (!sources.isEmpty()) {
        onAssigned.invoke(sources);
      }
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        RecordLane lane = lanes.remove(tp);
        if (lane != null) {
          lane.complete(true);
        }
      }
    }

    @Override
    public void finished(Throwable cause) {
      for (RecordLane lane : lanes.values()) {
        if (cause == null) {
          lane.complete(true);
        } else {
          lane.fail(cause);
        }
      }
      onFinished.invoke(cause);
    }

    /** One partition's records. */
    private final class SubSource extends GraphStage<SourceShape<T>> {
      private final Outlet<T> subOut;
      private final SourceShape<T> subShape;
      private final RecordLane lane;

      SubSource(TopicPartition tp, RecordLane lane) {
        this.subOut = Outlet.create("CourantPartition-" + tp + ".out");
        this.subShape = SourceShape.of(subOut);
        this.lane = lane;
      }

      @Override
      public SourceShape<T> shape() {
        return subShape;
      }

      @Override
      public GraphStageLogic createLogic(Attributes attributes) {
        return new LaneReader<T>(subShape, subOut, r -> toMessage.apply(r, loop)) {
          @Override
          public void preStart() {
            read(lane);
          }
        };
      }
    }
  }
}
