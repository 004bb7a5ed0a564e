package io.courant.stream.internal;

import io.courant.client.ConsumerRecord;
import io.courant.client.TopicPartition;
import io.courant.stream.Consumer;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.Subscription;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;

/** One source for all of a consumer's partitions: the stage behind plainSource and committableSource. */
public final class ConsumerSourceStage<T> extends AbstractGraphStageWithMaterializedValue<SourceShape<T>, Consumer.Control> {
  private final Outlet<T> out = Outlet.create("CourantConsumerSource.out");
  private final SourceShape<T> shape = SourceShape.of(out);
  private final ConsumerSettings<?, ?> settings;
  private final Subscription subscription;
  private final boolean manualCommit;
  private final BiFunction<ConsumerRecord, OffsetCommitter, T> toMessage;

  /**
   * @param manualCommit offsets are committed by the stream: auto-commit forced off
   * @param toMessage builds the emitted element from a record and the committer of its offset
   */
  public ConsumerSourceStage(ConsumerSettings<?, ?> settings, Subscription subscription, boolean manualCommit,
      BiFunction<ConsumerRecord, OffsetCommitter, T> toMessage) {
    this.settings = settings;
    this.subscription = subscription;
    this.manualCommit = manualCommit;
    this.toMessage = toMessage;
  }

  @Override
  public SourceShape<T> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("CourantConsumerSource");
  }

  @Override
  public Pair<GraphStageLogic, Consumer.Control> createLogicAndMaterializedValuePair(Attributes attributes) {
    ConsumerControl control = new ConsumerControl();
    Holder holder = new Holder();
    GraphStageLogic logic = new LaneReader<T>(shape, out, r -> toMessage.apply(r, holder.loop)) {
      @Override
      public void preStart() {
        ConsumerLoop loop = new ConsumerLoop(Adapter.toTyped(materializer().system()), settings, subscription, manualCommit);
        holder.loop = loop;
        RecordLane lane = new RecordLane(settings.toClientSettings().maxPollRecords(), loop::wakeup);
        read(lane);
        control.started(loop, lane::size);
        loop.start(new ConsumerLoop.Routing() {
          @Override
          public boolean hasRoom() {
            return lane.hasRoom();
          }

          @Override
          public boolean wants(TopicPartition tp) {
            return true;
          }

          @Override
          public void deliver(List<ConsumerRecord> records) {
            lane.offer(records);
          }

          @Override
          public void assigned(Collection<TopicPartition> partitions) {}

          @Override
          public void revoked(Collection<TopicPartition> partitions) {
            lane.drop(partitions);
          }

          @Override
          public void finished(Throwable cause) {
            if (cause == null) {
              lane.complete(true);
            } else {
              lane.fail(cause);
            }
          }
        });
      }

      @Override
      public void postStop() {
        super.postStop();
        if (holder.loop != null && !holder.loop.stopRequested()) {
          holder.loop.shutdown(); // cancelled or failed downstream
        }
      }
    };
    return Pair.create(logic, control);
  }

  private static final class Holder {
    volatile ConsumerLoop loop;
  }
}
