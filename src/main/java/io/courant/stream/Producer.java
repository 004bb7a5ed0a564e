package io.courant.stream;

import io.courant.stream.ConsumerMessage.Committable;
import io.courant.stream.ProducerMessage.Envelope;
import io.courant.stream.ProducerMessage.Message;
import io.courant.stream.ProducerMessage.Result;
import io.courant.stream.ProducerMessage.Results;
import io.courant.stream.internal.ProducerStage;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Producer sinks and flows, with Pekko Connectors Kafka's names, writing to Courant in process.
 *
 * <pre>{@code
 * ProducerSettings<String, String> settings =
 *     ProducerSettings.create(system, new StringSerializer(), new StringSerializer());
 * Source.range(1, 100)
 *     .map(n -> new ProducerRecord<>("orders", "order-" + n, "{\"qty\":" + n + "}"))
 *     .runWith(Producer.plainSink(settings), system);
 * }</pre>
 *
 * <p>Records are gathered per partition into batches of up to {@code batch.size} bytes, each sent
 * once full or {@code linger.ms} after its first record; at most {@code
 * max.in.flight.requests.per.connection} batches are in flight per partition, {@code
 * max-batches-in-flight} in all, and a stage holds at most {@code buffer.memory} bytes of records
 * before it stops pulling (backpressure). Partitions are chosen as Kafka's producer does: the
 * record's partition, else murmur2 of the key, else sticky per batch.
 *
 * <p>Errors fail the stream with the {@link io.courant.client.CourantException} of the send:
 * {@link io.courant.client.UnknownTopicOrPartitionException}, {@link
 * io.courant.client.StorageException} (Cassandra failed or unreachable) and {@link
 * io.courant.client.TimeoutException} are {@link io.courant.client.RetriableException}s — wrap the
 * stream in a {@code RestartFlow}/{@code RestartSource} to retry; {@link
 * io.courant.client.RecordTooLargeException} is not. Serializer errors fail it with {@link
 * io.courant.stream.serialization.SerializationException}. Records are not retried inside the stage
 * (a retry without an idempotent producer could store a record twice).
 *
 * @see Consumer
 * @see Committer
 */
public final class Producer {
  private Producer() {}

  /**
   * A sink that stores every record; completes when all are stored.
   *
   * @return materializes to the completion (failed with the first send error)
   */
  public static <K, V> Sink<ProducerRecord<K, V>, CompletionStage<Done>> plainSink(ProducerSettings<K, V> settings) {
    return Flow.fromGraph(ProducerStage.sink(settings)).toMat(Sink.ignore(), Keep.right());
  }

  /**
   * Stores each message's record and emits its {@link Result} (metadata and the message with its
   * pass-through), in input order.
   */
  public static <K, V, P> Flow<Message<K, V, P>, Result<K, V, P>, NotUsed> flow(ProducerSettings<K, V> settings) {
    return Flow.<Message<K, V, P>>create()
        .map(m -> (Envelope<K, V, P>) m)
        .via(Producer.<K, V, P>flexiFlow(settings))
        .map(r -> (Result<K, V, P>) r);
  }

  /**
   * Stores the records of each envelope ({@link ProducerMessage#single}, {@link
   * ProducerMessage#multi}, {@link ProducerMessage#passThrough}) and emits its {@link Results} in
   * input order once all its records are stored.
   */
  public static <K, V, P> Flow<Envelope<K, V, P>, Results<K, V, P>, NotUsed> flexiFlow(ProducerSettings<K, V> settings) {
    return Flow.fromGraph(ProducerStage.<K, V, P>flow(settings));
  }

  /**
   * Consume-transform-produce: stores each envelope's records, then commits its pass-through offset
   * (batched as {@link Committer#sink} does). An offset is committed only after the records made
   * from it are stored, so a failure never loses a record (at-least-once).
   *
   * <pre>{@code
   * Consumer.committableSource(consumerSettings, Subscriptions.topics("orders"))
   *     .map(msg -> ProducerMessage.single(new ProducerRecord<>("invoices", msg.record().key(), invoice(msg.record().value())),
   *         msg.committableOffset()))
   *     .toMat(Producer.committableSink(producerSettings, CommitterSettings.create(system)), Consumer::createDrainingControl)
   *     .run(system);
   * }</pre>
   */
  public static <K, V, C extends Committable> Sink<Envelope<K, V, C>, CompletionStage<Done>> committableSink(
      ProducerSettings<K, V> producerSettings, CommitterSettings committerSettings) {
    return Flow.<Envelope<K, V, C>>create()
        .via(Producer.<K, V, C>flexiFlow(producerSettings))
        .map(Results::passThrough)
        .toMat(Committer.<C>sink(committerSettings), Keep.right());
  }
}
