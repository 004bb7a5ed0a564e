package io.courant.stream.internal;

import io.courant.client.ConsumerRecord;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.Shape;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.OutHandler;

/** Emits the records of a {@link RecordLane} as downstream asks for them. */
abstract class LaneReader<T> extends GraphStageLogic implements OutHandler {
  private static final int CHUNK = 64;

  private final Outlet<T> out;
  private final Function<ConsumerRecord, T> toMessage;
  private final ArrayDeque<ConsumerRecord> chunk = new ArrayDeque<>();
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
    if (chunk.isEmpty()) {
      chunk.addAll(lane.take(CHUNK));
    }
    if (!chunk.isEmpty()) {
      push(out, toMessage.apply(chunk.poll()));
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
