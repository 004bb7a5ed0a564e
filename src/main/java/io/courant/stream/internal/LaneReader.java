package io.courant.stream.internal;

import io.courant.client.ConsumerRecord;
import java.util.function.Function;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.Shape;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.OutHandler;

/** Emits the records of a {@link RecordLane} as downstream asks for them. */
abstract class LaneReader<T> extends GraphStageLogic implements OutHandler {
  /** Records taken from the lane at once (one lock for all of them). */
  private static final int CHUNK = 64;

  private final Outlet<T> out;
  private final Function<ConsumerRecord, T> toMessage;
  private final ConsumerRecord[] chunk = new ConsumerRecord[CHUNK];
  private int next;
  private int taken;
  private RecordLane lane;

  LaneReader(Shape shape, Outlet<T> out, Function<ConsumerRecord, T> toMessage) {
    super(shape);
    this.out = out;
    this.toMessage = toMessage;
    setHandler(out, this);
  }

  /** Starts reading {@code lane} (from preStart). */
  protected void read(RecordLane lane) {
    this.lane = lane;
    AsyncCallback<Boolean> news = createAsyncCallback(x -> tryPush());
    lane.attach(() -> news.invoke(Boolean.TRUE));
  }

  @Override
  public void onPull() {
    tryPush();
  }

  private void tryPush() {
    if (lane == null || !isAvailable(out)) {
      return;
    }
    if (next < taken && lane.dropAll()) {
      java.util.Arrays.fill(chunk, next, taken, null); // stopped: what was taken is not emitted either
      next = taken;
    }
    if (next == taken) {
      next = 0;
      taken = lane.take(chunk);
    }
    if (next < taken) {
      ConsumerRecord r = chunk[next];
      chunk[next++] = null;
      push(out, toMessage.apply(r));
    } else if (lane.finished()) {
      if (lane.failure() != null) {
        failStage(lane.failure());
      } else {
        completeStage();
      }
    }
  }

  @Override
  public void postStop() {
    if (lane != null) {
      lane.detach();
    }
  }
}
