package io.courant.stream.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.courant.stream.serialization.LongSerializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windowed cogroup: time, sliding and session windows over inputs of different value types, one aggregate per key and window. */
class CogroupWindowTest {
  /** "clicks" (String values) and "amounts" (Long values), cogrouped into a String trace of what each window saw. */
  private static CogroupedKStream<String, String> clicksAndAmounts(StreamsBuilder builder) {
    KGroupedStream<String, String> clicks = builder.<String, String>stream("clicks").groupByKey();
    KGroupedStream<String, Long> amounts = builder.stream("amounts", Consumed.with(Serdes.String(), Serdes.Long())).groupByKey();
    return clicks.<String>cogroup((k, click, agg) -> agg + "c" + click).cogroup(amounts, (k, amount, agg) -> agg + "$" + amount);
  }

  private static void pipe(TopologyTestDriver d, String topic, String key, Object value, long ts) {
    if (topic.equals("amounts")) {
      d.createInputTopic("amounts", new StringSerializer(), new LongSerializer()).pipeInput(key, (Long) value, ts);
    } else {
      d.createInputTopic(topic, new StringSerializer(), new StringSerializer()).pipeInput(key, (String) value, ts);
    }
  }

  @Test
  void timeWindowedCogroupFoldsEveryInputIntoOneAggregatePerWindowAndDropsLateRecords() {
    StreamsBuilder builder = new StreamsBuilder();
    clicksAndAmounts(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
        .aggregate(() -> "", Materialized.as("per-10ms"))
        .toStream((w, v) -> w.key() + "@" + w.window().start())
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      pipe(d, "clicks", "u", "1", 1);
      pipe(d, "amounts", "u", 30L, 4);
      pipe(d, "clicks", "u", "2", 12);
      pipe(d, "amounts", "u", 5L, 9);   // out of order, within grace of [0,10)
      pipe(d, "clicks", "u", "3", 15);  // stream time 15 closes [0,10)
      pipe(d, "amounts", "u", 7L, 8);   // late: dropped
      WindowStore<String, String> store = d.getWindowStore("per-10ms");
      assertEquals("c1$30$5", store.fetch("u", 0));
      assertEquals("c2c3", store.fetch("u", 10));
      assertEquals(1L, d.metrics().get("late-records-dropped-total"));
      var out = d.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      assertEquals(List.of(KeyValue.pair("u@0", "c1"), KeyValue.pair("u@0", "c1$30"), KeyValue.pair("u@10", "c2"),
          KeyValue.pair("u@0", "c1$30$5"), KeyValue.pair("u@10", "c2c3")), out.readKeyValuesToList());
    }
  }

  @Test
  void hoppingWindowedCogroupCountsARecordInEveryWindowItFallsInto() {
    StreamsBuilder builder = new StreamsBuilder();
    clicksAndAmounts(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(100)).advanceBy(Duration.ofMillis(5)))
        .aggregate(() -> "", Materialized.as("hopping"));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      pipe(d, "clicks", "u", "1", 7);
      pipe(d, "amounts", "u", 2L, 12);
      WindowStore<String, String> store = d.getWindowStore("hopping");
      assertEquals("c1", store.fetch("u", 0));
      assertEquals("c1$2", store.fetch("u", 5));
      assertEquals("$2", store.fetch("u", 10));
    }
  }

  @Test
  void slidingWindowedCogroupRecomputesWindowsFromTheRecordsOfEveryInput() {
    StreamsBuilder builder = new StreamsBuilder();
    clicksAndAmounts(builder)
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(100)))
        .aggregate(() -> "", Materialized.as("sliding"));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      pipe(d, "clicks", "k", "a", 20);
      pipe(d, "amounts", "k", 1L, 25);
      pipe(d, "clicks", "k", "c", 40);
      pipe(d, "amounts", "k", 2L, 22); // out of order, within grace
      WindowStore<String, String> store = d.getWindowStore("sliding");
      assertEquals("ca", store.fetch("k", 10));        // [10,20]
      assertEquals("ca$2$1", store.fetch("k", 15));    // [15,25], in time order
      assertEquals("$2$1", store.fetch("k", 21));      // [21,31]
      assertEquals("$1", store.fetch("k", 23));        // [23,33]
      assertEquals("cc", store.fetch("k", 30));        // [30,40]
      assertNull(store.fetch("k", 26));
    }
  }

  @Test
  void sessionWindowedCogroupMergesSessionsThatARecordOfAnyInputBridges() {
    StreamsBuilder builder = new StreamsBuilder();
    clicksAndAmounts(builder)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(0)))
        .aggregate(() -> "", (k, a, b) -> a + "|" + b, Materialized.as("sessions"))
        .toStream((w, v) -> w.key() + "@" + w.window().start() + "-" + w.window().end())
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      pipe(d, "clicks", "u", "1", 0);
      pipe(d, "clicks", "u", "2", 20);
      pipe(d, "amounts", "u", 9L, 10); // bridges [0,0] and [20,20]
      var out = d.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      assertEquals(List.of(KeyValue.pair("u@0-0", "c1"), KeyValue.pair("u@20-20", "c2"), KeyValue.pair("u@0-0", null),
          KeyValue.pair("u@20-20", null), KeyValue.pair("u@0-20", "c1|c2$9")), out.readKeyValuesToList());
      SessionStore<String, String> store = d.getSessionStore("sessions");
      assertEquals(List.of(KeyValue.pair(new Windowed<>("u", new Window(0, 20)), "c1|c2$9")), store.fetch("u"));
    }
  }
}
