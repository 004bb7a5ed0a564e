package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.stream.serialization.JsonDeserializer;
import io.courant.stream.serialization.JsonSerializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of docs/streams.md, run as they are written there (between the "// doc:" markers),
 * so that the documentation cannot drift from the API.
 */
class StreamsDocExamplesTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  public record Order(String id, int qty) {}

  /** What the examples' handle(...) saw: topic-partition names. */
  private static final Set<String> handled = ConcurrentHashMap.newKeySet();

  private static CompletionStage<Done> handle(ConsumerRecord<String, Order> record) {
    handled.add(record.topicPartition().toString());
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private static String orders(int partitions) {
    String topic = uniqueTopic("orders");
    await(node.courant().createTopic(new NewTopic(topic, partitions)));
    return topic;
  }

  private static void produceOrders(ActorSystem<?> system, String orders, int count) {
    // doc: plainSink
    ProducerSettings<String, Order> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new JsonSerializer<Order>())
            .withProperty("linger.ms", "10");
    CompletionStage<Done> written = Source.range(1, count)
        .map(n -> new ProducerRecord<>(orders, "order-" + n, new Order("order-" + n, n)))
        .runWith(Producer.plainSink(producerSettings), system);
    // doc: end
    await(written);
  }

  @Test
  void plainSinkAndPlainSource() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(2);
    produceOrders(system, orders, 20);
    // doc: plainSource
    ConsumerSettings<String, Order> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
            .withProperty("auto.offset.reset", "earliest");
    CompletionStage<List<ConsumerRecord<String, Order>>> firstTen =
        Consumer.plainSource(consumerSettings, Subscriptions.assignment(new TopicPartition(orders, 0), new TopicPartition(orders, 1)))
            .take(10)
            .runWith(Sink.seq(), system);
    // doc: end
    List<ConsumerRecord<String, Order>> read = firstTen.toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(10, read.size());
    assertTrue(read.get(0).value().qty() > 0);
  }

  @Test
  void flexiFlow() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(2);
    String audit = orders(1);
    ProducerSettings<String, Order> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new JsonSerializer<Order>());
    // doc: flexiFlow
    Order order = new Order("order-1", 3);
    CompletionStage<List<Object>> results = Source.from(List.of(
            ProducerMessage.single(new ProducerRecord<>(orders, order.id(), order), (Object) "one record"),
            ProducerMessage.multi(List.of(new ProducerRecord<>(orders, order.id(), order),
                new ProducerRecord<>(audit, order.id(), order)), (Object) "two records"),
            ProducerMessage.<String, Order, Object>passThrough("no record")))
        .via(Producer.flexiFlow(producerSettings))
        .map(result -> {
          if (result instanceof ProducerMessage.Result<String, Order, Object> r) {
            System.out.println("stored at " + r.metadata().partition() + "/" + r.offset());
          } else if (result instanceof ProducerMessage.MultiResult<String, Order, Object> m) {
            m.parts().forEach(part -> System.out.println(part.metadata().topic() + " " + part.metadata().offset()));
          }
          return result.passThrough();
        })
        .runWith(Sink.seq(), system);
    // doc: end
    assertEquals(List.of("one record", "two records", "no record"), results.toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  @Test
  void committableSourceWithCommitterAndDrainingControl() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(2);
    produceOrders(system, orders, 20);
    // doc: committableSource
    ConsumerSettings<String, Order> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
            .withGroupId("billing-" + orders)
            .withProperty("auto.offset.reset", "earliest");
    CommitterSettings committerSettings = CommitterSettings.create(system);

    Consumer.DrainingControl<Done> control =
        Consumer.committableSource(consumerSettings, Subscriptions.topics(orders))
            .mapAsync(1, msg -> handle(msg.record()).thenApply(done -> msg.committableOffset()))
            .toMat(Committer.sink(committerSettings), Consumer::createDrainingControl)
            .run(system);

    // ... at shutdown: stop reading, let the stream commit what it processed, leave the group
    CompletionStage<Done> drained = control.drainAndShutdown(system.executionContext());
    // doc: end
    await(drained);
  }

  @Test
  void committablePartitionedSource() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(4);
    produceOrders(system, orders, 40);
    ConsumerSettings<String, Order> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
            .withGroupId("shipping-" + orders)
            .withProperty("auto.offset.reset", "earliest");
    CommitterSettings committerSettings = CommitterSettings.create(system);
    // doc: committablePartitionedSource
    Consumer.DrainingControl<Done> control =
        Consumer.committablePartitionedSource(consumerSettings, Subscriptions.topics(orders))
            .flatMapMerge(16, pair -> {
              TopicPartition partition = pair.first();   // this sub-source completes when the partition is revoked
              return pair.second()
                  .mapAsync(1, msg -> handle(msg.record()).thenApply(done -> msg.committableOffset()));
            })
            .toMat(Committer.sink(committerSettings), Consumer::createDrainingControl)
            .run(system);
    // doc: end
    Await.until("all four partitions handled", Duration.ofSeconds(30),
        () -> handled.containsAll(List.of(orders + "-0", orders + "-1", orders + "-2", orders + "-3")));
    await(control.drainAndShutdown(system.executionContext()));
  }

  @Test
  void consumeTransformProduce() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(1);
    String invoices = orders(1);
    produceOrders(system, orders, 10);
    ConsumerSettings<String, Order> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
            .withGroupId("invoicing-" + orders)
            .withProperty("auto.offset.reset", "earliest");
    // doc: committableSink
    ProducerSettings<String, String> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new StringSerializer());
    Consumer.DrainingControl<Done> control =
        Consumer.committableSource(consumerSettings, Subscriptions.topics(orders))
            .map(msg -> ProducerMessage.single(
                new ProducerRecord<>(invoices, msg.record().key(), "invoice for " + msg.record().value().qty()),
                msg.committableOffset()))
            .toMat(Producer.committableSink(producerSettings, CommitterSettings.create(system)), Consumer::createDrainingControl)
            .run(system);
    // doc: end
    TopicPartition out = new TopicPartition(invoices, 0);
    Await.until("ten invoices", Duration.ofSeconds(30), () -> await(node.courant().latestOffset(out)) == 10);
    await(control.drainAndShutdown(system.executionContext()));
  }

  @Test
  void restartSourceAroundACommittableSource() throws Exception {
    ActorSystem<?> system = node.system();
    String orders = orders(1);
    produceOrders(system, orders, 10);
    ConsumerSettings<String, Order> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
            .withGroupId("restarting-" + orders)
            .withProperty("auto.offset.reset", "earliest");
    CommitterSettings committerSettings = CommitterSettings.create(system);
    // doc: restart
    AtomicReference<Consumer.Control> control = new AtomicReference<>(); // the current materialization's
    RestartSettings backoff = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
    CompletionStage<Done> done = RestartSource.onFailuresWithBackoff(backoff, () ->
            Consumer.committableSource(consumerSettings, Subscriptions.topics(orders))
                .mapMaterializedValue(c -> {
                  control.set(c);
                  return c;
                })
                .mapAsync(1, msg -> handle(msg.record()).thenApply(d -> msg.committableOffset()))
                .via(Committer.flow(committerSettings)))
        .runWith(Sink.ignore(), system);
    // ... at shutdown: control.get().drainAndShutdown(done, system.executionContext());
    // doc: end
    // Shut down once the stream consumes (past its group join): shutting down the first
    // materialization while a failed join restarts it would leave the second one running.
    Await.until("the restartable source handled the orders", Duration.ofSeconds(30), () -> handled.contains(orders + "-0"));
    control.get().drainAndShutdown(done, system.executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
