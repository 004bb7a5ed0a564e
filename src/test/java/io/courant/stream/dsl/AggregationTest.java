package io.courant.stream.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** groupByKey / groupBy with count, reduce, aggregate, cogroup; windows, grace, late records, suppress. */
class AggregationTest {
  private static TopologyTestDriver driver(StreamsBuilder builder) {
    return new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props());
  }

  private static TestInputTopic<String, String> input(TopologyTestDriver d, String topic) {
    return d.createInputTopic(topic, new StringSerializer(), new StringSerializer());
  }

  @Test
  void wordCountRepartitionsByWordAndCountsExactly() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("lines")
        .flatMapValues(line -> List.of(line.toLowerCase().split("\\W+")))
        .groupBy((k, word) -> word)
        .count(Materialized.as("counts"))
        .toStream()
        .to("counts", Produced.with(Serdes.String(), Serdes.Long()));
    Topology topology = builder.build();
    assertTrue(topology.describe().contains("Sub-topology: 1"), "groupBy splits the topology at the repartition topic");
    try (TopologyTestDriver d = new TopologyTestDriver(topology, StatelessOperatorsTest.props())) {
      var in = input(d, "lines");
      in.pipeInput("l1", "the cat and the hat");
      in.pipeInput("l2", "The end");
      var out = d.createOutputTopic("counts", new StringDeserializer(), new LongDeserializer());
      assertEquals(Map.of("the", 3L, "cat", 1L, "and", 1L, "hat", 1L, "end", 1L), out.readKeyValuesToMap());
      KeyValueStore<String, Long> counts = d.getKeyValueStore("counts");
      assertEquals(3L, counts.get("the"));
      assertEquals(List.of(KeyValue.pair("and", 1L), KeyValue.pair("cat", 1L)), counts.range("a", "d"));
    }
  }

  @Test
  void reduceAndAggregateFoldValuesPerKeyAndDropNullKeys() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> grouped = builder.<String, String>stream("in").groupByKey();
    grouped.reduce((a, b) -> a + "," + b, Materialized.as("joined"));
    grouped.aggregate(() -> 0L, (k, v, agg) -> agg + v.length(), Materialized.<String, Long>as("lengths").withValueSerde(Serdes.Long()));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "in");
      in.pipeInput("a", "x");
      in.pipeInput("a", "yy");
      in.pipeInput("b", "zzz");
      in.pipeInput(null, "no key");
      in.pipeInput("b", null);
      assertEquals("x,yy", d.<String, String>getKeyValueStore("joined").get("a"));
      assertEquals(3L, d.<String, Long>getKeyValueStore("lengths").get("a"));
      assertEquals(3L, d.<String, Long>getKeyValueStore("lengths").get("b"));
      assertEquals(4L, d.metrics().get("dropped-records-total"), "the null-key and null-value records, once per aggregation");
    }
  }

  @Test
  void cogroupFoldsSeveralStreamsIntoOneAggregate() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> orders = builder.<String, String>stream("orders").groupByKey();
    KGroupedStream<String, String> refunds = builder.<String, String>stream("refunds").groupByKey();
    orders.<Long>cogroup((k, v, total) -> total + Long.parseLong(v))
        .cogroup(refunds, (k, v, total) -> total - Long.parseLong(v))
        .aggregate(() -> 0L, Materialized.<String, Long>as("balance").withValueSerde(Serdes.Long()))
        .toStream().to("balance", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver d = driver(builder)) {
      input(d, "orders").pipeInput("alice", "100");
      input(d, "refunds").pipeInput("alice", "30");
      input(d, "orders").pipeInput("alice", "5");
      assertEquals(75L, d.<String, Long>getKeyValueStore("balance").get("alice"));
      assertEquals(List.of(100L, 70L, 75L),
          d.createOutputTopic("balance", new StringDeserializer(), new LongDeserializer()).readValuesToList());
    }
  }

  @Test
  void tumblingWindowsCountPerWindowAcceptOutOfOrderRecordsWithinGraceAndDropLateOnes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("views").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
        .count(Materialized.as("per-10ms"));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "views");
      in.pipeInput("p", "v", 1);
      in.pipeInput("p", "v", 12);
      in.pipeInput("p", "v", 9);   // out of order: window [0,10) open until stream time 15
      in.pipeInput("p", "v", 15);  // closes [0,10)
      in.pipeInput("p", "v", 8);   // late: dropped
      WindowStore<String, Long> store = d.getWindowStore("per-10ms");
      assertEquals(2L, store.fetch("p", 0));
      assertEquals(2L, store.fetch("p", 10));
      assertEquals(List.of(KeyValue.pair(0L, 2L), KeyValue.pair(10L, 2L)), store.fetch("p", 0, 100));
      assertEquals(1L, d.metrics().get("late-records-dropped-total"));
      assertEquals(1L, d.metrics().get("dropped-records-total"));
    }
  }

  @Test
  void hoppingWindowsCountARecordInEveryWindowItFallsInto() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("views").groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).advanceBy(Duration.ofMillis(5)))
        .count(Materialized.as("hopping"))
        .toStream((w, n) -> w.key() + "@" + w.window().start())
        .to("out", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "views");
      in.pipeInput("p", "v", 7);
      in.pipeInput("p", "v", 12);
      var out = d.createOutputTopic("out", new StringDeserializer(), new LongDeserializer());
      assertEquals(List.of(KeyValue.pair("p@0", 1L), KeyValue.pair("p@5", 1L), KeyValue.pair("p@5", 2L), KeyValue.pair("p@10", 1L)),
          out.readKeyValuesToList());
    }
  }

  @Test
  void suppressUntilWindowClosesEmitsOnlyFinalCountsWhenStreamTimePassesEndPlusGrace() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("views").groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
        .count()
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .to("final", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "views");
      var out = d.createOutputTopic("final", WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10).deserializer(),
          new LongDeserializer());
      in.pipeInput("a", "v", 1);
      in.pipeInput("a", "v", 3);
      in.pipeInput("b", "v", 4);
      in.pipeInput("a", "v", 14);
      assertTrue(out.isEmpty(), "no window closed before stream time 15");
      in.pipeInput("c", "v", 15);
      assertEquals(List.of(KeyValue.pair(new Windowed<>("a", new Window(0, 10)), 2L), KeyValue.pair(new Windowed<>("b", new Window(0, 10)), 1L)),
          out.readKeyValuesToList());
      in.pipeInput("a", "v", 2); // late: dropped, no second result for [0,10)
      in.pipeInput("x", "v", 40);
      assertEquals(List.of(KeyValue.pair(new Windowed<>("a", new Window(10, 20)), 1L), KeyValue.pair(new Windowed<>("c", new Window(10, 20)), 1L)),
          out.readKeyValuesToList());
    }
  }

  @Test
  void suppressNeedsAWindowedTable() {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Long> counts = builder.<String, String>stream("in").groupByKey().count();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> counts.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())));
    assertTrue(e.getMessage().contains("windowedBy"), e.getMessage());
  }

  @Test
  void slidingWindowsAggregateRecordsWithinTheTimeDifference() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("in").groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(100)))
        .reduce((a, b) -> a + b, Materialized.as("sliding"));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "in");
      in.pipeInput("k", "a", 20);
      in.pipeInput("k", "b", 25);
      in.pipeInput("k", "c", 40);
      in.pipeInput("k", "d", 22); // out of order, within grace
      WindowStore<String, String> store = d.getWindowStore("sliding");
      assertEquals("a", store.fetch("k", 10));   // [10,20]
      assertEquals("adb", store.fetch("k", 15)); // [15,25]
      assertEquals("db", store.fetch("k", 21));  // [21,31]: right window of a
      assertEquals("b", store.fetch("k", 23));   // [23,33]: right window of d
      assertEquals("c", store.fetch("k", 30));   // [30,40]
      assertNull(store.fetch("k", 26));          // right window of b holds nothing
    }
  }

  @Test
  void sessionWindowsMergeSessionsThatARecordBridgesAndEmitTombstonesForTheOldOnes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("clicks").groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
        .count(Materialized.as("sessions"))
        .toStream((w, n) -> w.key() + "@" + w.window().start() + "-" + w.window().end())
        .to("out", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "clicks");
      var out = d.createOutputTopic("out", new StringDeserializer(), new LongDeserializer());
      in.pipeInput("u", "c", 0);
      in.pipeInput("u", "c", 20);
      in.pipeInput("u", "c", 10); // within the gap of both: bridges [0,0] and [20,20] into [0,20]
      List<KeyValue<String, Long>> updates = out.readKeyValuesToList();
      assertEquals(List.of(KeyValue.pair("u@0-0", 1L), KeyValue.pair("u@20-20", 1L), KeyValue.pair("u@0-0", null),
          KeyValue.pair("u@20-20", null), KeyValue.pair("u@0-20", 3L)), updates);
      SessionStore<String, Long> store = d.getSessionStore("sessions");
      assertEquals(List.of(KeyValue.pair(new Windowed<>("u", new Window(0, 20)), 3L)), store.fetch("u"));
      in.pipeInput("u", "c", 100);
      in.pipeInput("u", "c", 30); // would extend [0,20] to [0,30], which ended before stream time 100 - grace: late
      assertEquals(1L, d.metrics().get("late-records-dropped-total"));
    }
  }

  @Test
  void aTimestampExtractorSetsEventTime() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.<String, String>with(Serdes.String(), Serdes.String())
            .withTimestampExtractor((record, partitionTime) -> Long.parseLong((String) record.value())))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(100)))
        .count(Materialized.as("by-extracted-time"));
    try (TopologyTestDriver d = driver(builder)) {
      var in = input(d, "in");
      in.pipeInput("k", "150", 0);
      in.pipeInput("k", "170", 999_999);
      in.pipeInput("k", "-1", 5); // a negative time drops the record
      assertEquals(2L, d.<String, Long>getWindowStore("by-extracted-time").fetch("k", 100));
      assertEquals(1L, d.metrics().get("dropped-records-total"));
    }
  }
}
