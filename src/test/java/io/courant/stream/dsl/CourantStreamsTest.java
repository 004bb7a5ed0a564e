package io.courant.stream.dsl;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.examples.OrderEnrichmentExample;
import io.courant.examples.WordCountExample;
import io.courant.log.Partition.Acks;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourantStreams on a real node and Cassandra: processing, state restored on restart, two instances, interactive queries. */
class CourantStreamsTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  static void createTopics(String... topics) {
    for (String t : topics) {
      await(node.courant().createTopic(new NewTopic(t, 4)));
    }
  }

  /** Lines "w0 w1 ..." keyed line-i, and the word counts they make. */
  static Map<String, Long> produceLines(String topic, int from, int to, Map<String, Long> expected) {
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String line = "w" + (i % 7) + " w" + (i % 11) + " common";
      for (String w : line.split(" ")) {
        expected.merge(w, 1L, Long::sum);
      }
      batch.add(ProducerRecord.of(topic, "line-" + i, line));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    return expected;
  }

  static Map<String, Long> queried(CourantStreams streams) {
    Map<String, Long> out = new TreeMap<>();
    await(streams.<String, Long>keyValueStore("word-counts").all()).forEach(kv -> out.put(kv.key(), kv.value()));
    return out;
  }

  @Test
  void wordCountCountsExactlyAcrossARestartAndAnswersQueriesByKeyAndRange() {
    String lines = uniqueTopic("lines");
    String counts = uniqueTopic("counts");
    createTopics(lines, counts);
    String app = uniqueTopic("wc");
    Map<String, Long> expected = produceLines(lines, 0, 300, new TreeMap<>());
    CourantStreams streams = new CourantStreams(WordCountExample.topology(lines, counts), WordCountExample.props(app), node.system());
    streams.start();
    Await.until("the counts of the first 300 lines", Duration.ofSeconds(60), () -> queried(streams).equals(expected));
    assertEquals(CourantStreams.State.RUNNING, streams.state());
    assertEquals(300L, await(streams.<String, Long>keyValueStore("word-counts").get("common")));
    assertEquals(List.of(KeyValue.pair("w1", expected.get("w1")), KeyValue.pair("w10", expected.get("w10"))),
        await(streams.<String, Long>keyValueStore("word-counts").range("w1", "w10")));
    assertTrue(streams.close(Duration.ofSeconds(30)));
    assertEquals(CourantStreams.State.NOT_RUNNING, streams.state());

    produceLines(lines, 300, 500, expected);
    CourantStreams again = new CourantStreams(WordCountExample.topology(lines, counts), WordCountExample.props(app), node.system());
    again.start();
    Await.until("the counts of all 500 lines, none counted twice", Duration.ofSeconds(60), () -> queried(again).equals(expected));
    assertEquals(200L * (1 + 3), again.metrics().get("process-total"),
        "the restarted instance read only the 200 new lines (and their 600 words from the repartition topic)");
    again.close();
  }

  @Test
  void outputsOfOneCommitLargerThanMaxMessageBytesForOnePartitionAreAllWrittenOnce() {
    String in = uniqueTopic("big-in");
    String out = uniqueTopic("big-out");
    await(node.courant().createTopic(new NewTopic(in, 1)));
    await(node.courant().createTopic(new NewTopic(out, 1)));
    String value = "v".repeat(100);
    int count = 15_000; // ~1.7 MB of keys and values: more than one 1 MiB batch
    for (int sent = 0; sent < count; sent += 1000) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int i = sent; i < sent + 1000; i++) {
        batch.add(ProducerRecord.of(in, "k" + i, value));
      }
      await(node.courant().sendAll(batch, Acks.ALL));
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.String(), Serdes.String())).mapValues(v -> v.toUpperCase())
        .to(out, Produced.with(Serdes.String(), Serdes.String()));
    Properties props = WordCountExample.props(uniqueTopic("big"));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 60_000); // everything in one commit (and at close)
    props.put(StreamsConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
    CourantStreams streams = new CourantStreams(builder.build(), props, node.system());
    streams.start();
    Await.until("all input read", Duration.ofSeconds(60), () -> streams.metrics().get("process-total") >= count);
    assertTrue(streams.close(Duration.ofSeconds(60)));
    assertEquals(CourantStreams.State.NOT_RUNNING, streams.state(), "closing committed the outputs without failing");
    var tp = new io.courant.client.TopicPartition(out, 0);
    assertEquals(count, await(node.courant().logStatus(tp)).highWatermark(), "every output record once");
    var first = await(node.courant().fetch(tp, 0, 1 << 20, Duration.ofMillis(10))).records().get(0);
    assertEquals("k0", first.keyString());
    assertEquals("V".repeat(100), first.valueString());
  }

  @Test
  void twoInstancesSplitThePartitionsAndEachAnswersQueriesForKeysTheOtherCounted() {
    String lines = uniqueTopic("lines");
    String counts = uniqueTopic("counts");
    createTopics(lines, counts);
    String app = uniqueTopic("wc2");
    CourantStreams a = new CourantStreams(WordCountExample.topology(lines, counts), WordCountExample.props(app), node.system());
    CourantStreams b = new CourantStreams(WordCountExample.topology(lines, counts), WordCountExample.props(app), node.system());
    a.start();
    b.start();
    Map<String, Long> expected = new TreeMap<>();
    for (int round = 0; round < 5; round++) {
      produceLines(lines, round * 100, round * 100 + 100, expected);
    }
    Await.until("both instances' counts", Duration.ofSeconds(90), () -> queried(a).equals(expected) && queried(b).equals(expected));
    long byA = a.metrics().get("process-total");
    long byB = b.metrics().get("process-total");
    assertTrue(byA > 0 && byB > 0, "both instances processed records: " + byA + " and " + byB);
    Map<String, Long> fromB = new HashMap<>();
    for (String word : expected.keySet()) {
      fromB.put(word, await(b.<String, Long>keyValueStore("word-counts").get(word)));
    }
    assertEquals(expected, new TreeMap<>(fromB));
    a.close();
    b.close();
  }

  @Test
  void ordersAreEnrichedWithTheirCustomerThroughARepartitionAndATableJoin() {
    String orders = uniqueTopic("orders");
    String customers = uniqueTopic("customers");
    String enriched = uniqueTopic("enriched");
    createTopics(orders, customers, enriched);
    var customerSerde = Serdes.Json(OrderEnrichmentExample.Customer.class);
    var orderSerde = Serdes.Json(OrderEnrichmentExample.Order.class);
    await(node.courant().sendAll(List.of(
        ProducerRecord.of(customers, "c1", new String(customerSerde.serializer().serialize(customers,
            new OrderEnrichmentExample.Customer("c1", "Alice", "FR"))))), Acks.ALL));
    CourantStreams streams = new CourantStreams(OrderEnrichmentExample.topology(orders, customers, enriched),
        WordCountExample.props(uniqueTopic("enrich")), node.system());
    streams.start();
    Await.until("the customer in the table", Duration.ofSeconds(60),
        () -> await(streams.<String, OrderEnrichmentExample.Customer>keyValueStore("customers").get("c1")) != null);
    await(node.courant().sendAll(List.of(
        ProducerRecord.of(orders, "o1", new String(orderSerde.serializer().serialize(orders, new OrderEnrichmentExample.Order("o1", "c1", 3)))),
        ProducerRecord.of(orders, "o2", new String(orderSerde.serializer().serialize(orders, new OrderEnrichmentExample.Order("o2", "c9", 1))))),
        Acks.ALL));
    Map<String, String> out = new TreeMap<>();
    Await.until("two enriched orders", Duration.ofSeconds(60), () -> {
      for (int p = 0; p < 4; p++) {
        var r = await(node.courant().fetch(new io.courant.client.TopicPartition(enriched, p), 0, 1 << 20, Duration.ofMillis(10)));
        r.records().forEach(rec -> out.put(rec.keyString(), rec.valueString()));
      }
      return out.size() == 2;
    });
    assertEquals("{\"orderId\":\"o1\",\"qty\":3,\"customer\":{\"id\":\"c1\",\"name\":\"Alice\",\"country\":\"FR\"}}", out.get("c1"));
    assertEquals("{\"orderId\":\"o2\",\"qty\":1,\"customer\":null}", out.get("c9"));
    streams.close();
  }

  @Test
  void aWindowedCogroupOfTwoTopicsIsCountedAndQueriedPerWindow() {
    String clicks = uniqueTopic("clicks");
    String views = uniqueTopic("views");
    createTopics(clicks, views);
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> c = builder.stream(clicks, Consumed.with(Serdes.String(), Serdes.String())).groupByKey();
    KGroupedStream<String, String> v = builder.stream(views, Consumed.with(Serdes.String(), Serdes.String())).groupByKey();
    c.<Long>cogroup((k, x, n) -> n + 10).cogroup(v, (k, x, n) -> n + 1)
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofHours(1)))
        .aggregate(() -> 0L, Materialized.<String, Long>as("score-per-minute").withValueSerde(Serdes.Long()));
    Map<String, Long> expected = new TreeMap<>();
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String user = "u" + (i % 9);
      long ts = 1_000_000L + (i * 7919L) % 300_000;
      boolean click = i % 3 == 0;
      expected.merge(user + "@" + (ts - ts % 60_000), click ? 10L : 1L, Long::sum);
      batch.add(ProducerRecord.of(click ? clicks : views, user, "x").withTimestamp(ts));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    CourantStreams streams = new CourantStreams(builder.build(), WordCountExample.props(uniqueTopic("cogroup")), node.system());
    streams.start();
    Await.until("every window's score", Duration.ofSeconds(60), () -> {
      Map<String, Long> got = new TreeMap<>();
      await(streams.<String, Long>windowStore("score-per-minute").fetchAll(0, Long.MAX_VALUE))
          .forEach(kv -> got.put(kv.key().key() + "@" + kv.key().window().start(), kv.value()));
      return got.equals(expected);
    });
    List<KeyValue<Long, Long>> u0 = await(streams.<String, Long>windowStore("score-per-minute").fetch("u0", 0, Long.MAX_VALUE));
    Map<Long, Long> u0Expected = new TreeMap<>();
    expected.forEach((w, n) -> {
      if (w.startsWith("u0@")) {
        u0Expected.put(Long.parseLong(w.substring(3)), n);
      }
    });
    assertEquals(List.copyOf(u0Expected.entrySet().stream().map(e -> KeyValue.pair(e.getKey(), e.getValue())).toList()), u0,
        "one key's windows, in time order");
    streams.close();
  }

  @Test
  void startRefusesMissingInputTopicsAndQueriesOfUnknownStores() {
    Properties props = WordCountExample.props(uniqueTopic("bad"));
    CourantStreams streams = new CourantStreams(WordCountExample.topology(uniqueTopic("missing"), "out"), props, node.system());
    assertThrows(io.courant.client.UnknownTopicOrPartitionException.class, streams::start);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> streams.keyValueStore("no-such-store"));
    assertTrue(e.getMessage().contains("word-counts"), e.getMessage());
  }
}
