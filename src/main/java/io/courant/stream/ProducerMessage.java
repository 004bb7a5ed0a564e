package io.courant.stream;

import io.courant.client.RecordMetadata;
import java.util.List;
import org.apache.pekko.NotUsed;

/**
 * What {@link Producer#flexiFlow} takes and emits, with Pekko Connectors Kafka's names: an {@link
 * Envelope} holds one record ({@link #single}), several ({@link #multi}) or none ({@link
 * #passThrough}), plus a pass-through value (typically the consumed offset to commit); the flow
 * emits a matching {@link Results} once every record of the envelope is stored, in the order the
 * envelopes came.
 *
 * <pre>{@code
 * ProducerMessage.single(new ProducerRecord<>("orders", key, value), msg.committableOffset())
 * ProducerMessage.multi(List.of(r1, r2), offset)
 * ProducerMessage.passThrough(offset)          // nothing to produce, but commit in order
 * }</pre>
 */
public final class ProducerMessage {
  private ProducerMessage() {}

  /** Input of {@link Producer#flexiFlow}. */
  public sealed interface Envelope<K, V, P> permits Message, MultiMessage, PassThroughMessage {
    P passThrough();
  }

  /** One record. */
  public record Message<K, V, P>(ProducerRecord<K, V> record, P passThrough) implements Envelope<K, V, P> {}

  /** Several records (to one or more topics and partitions), one result for all. */
  public record MultiMessage<K, V, P>(List<ProducerRecord<K, V>> records, P passThrough) implements Envelope<K, V, P> {
    public MultiMessage {
      records = List.copyOf(records);
    }
  }

  /** No record: the pass-through value comes out in its turn. */
  public record PassThroughMessage<K, V, P>(P passThrough) implements Envelope<K, V, P> {}

  /** Output of {@link Producer#flexiFlow}. */
  public sealed interface Results<K, V, P> permits Result, MultiResult, PassThroughResult {
    P passThrough();
  }

  /** Where a {@link Message}'s record was stored. */
  public record Result<K, V, P>(RecordMetadata metadata, Message<K, V, P> message) implements Results<K, V, P> {
    public long offset() {
      return metadata.offset();
    }

    @Override
    public P passThrough() {
      return message.passThrough();
    }
  }

  /** One record of a {@link MultiMessage} and where it was stored. */
  public record MultiResultPart<K, V>(RecordMetadata metadata, ProducerRecord<K, V> record) {}

  /** Where a {@link MultiMessage}'s records were stored, in their order. */
  public record MultiResult<K, V, P>(List<MultiResultPart<K, V>> parts, P passThrough) implements Results<K, V, P> {}

  /** A {@link PassThroughMessage}'s value, emitted after every earlier envelope's results. */
  public record PassThroughResult<K, V, P>(P passThrough) implements Results<K, V, P> {}

  /** One record, with a pass-through value. */
  public static <K, V, P> Envelope<K, V, P> single(ProducerRecord<K, V> record, P passThrough) {
    return new Message<>(record, passThrough);
  }

  /** One record. */
  public static <K, V> Envelope<K, V, NotUsed> single(ProducerRecord<K, V> record) {
    return new Message<>(record, NotUsed.getInstance());
  }

  /** Several records, with a pass-through value. */
  public static <K, V, P> Envelope<K, V, P> multi(List<ProducerRecord<K, V>> records, P passThrough) {
    return new MultiMessage<>(records, passThrough);
  }

  /** Several records. */
  public static <K, V> Envelope<K, V, NotUsed> multi(List<ProducerRecord<K, V>> records) {
    return new MultiMessage<>(records, NotUsed.getInstance());
  }

  /** No record, only a pass-through value. */
  public static <K, V, P> Envelope<K, V, P> passThrough(P passThrough) {
    return new PassThroughMessage<>(passThrough);
  }
}
