package io.courant.stream.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Stateless KStream operators through the test driver. */
class StatelessOperatorsTest {
  static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "dsl-test");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    return p;
  }

  /** Builds a topology from "in" with {@code body}, pipes the records and returns what "out" received. */
  private static List<KeyValue<String, String>> run(Consumer<KStream<String, String>> body, List<KeyValue<String, String>> input) {
    StreamsBuilder builder = new StreamsBuilder();
    body.accept(builder.stream("in"));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      TestOutputTopic<String, String> out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      in.pipeKeyValueList(input);
      return out.readKeyValuesToList();
    }
  }

  private static final List<KeyValue<String, String>> INPUT = List.of(KeyValue.pair("a", "1"), KeyValue.pair("b", "22"),
      KeyValue.pair("c", "333"));

  @Test
  void filterKeepsAndFilterNotDropsMatchingRecords() {
    assertEquals(List.of(KeyValue.pair("b", "22"), KeyValue.pair("c", "333")),
        run(s -> s.filter((k, v) -> v.length() > 1).to("out"), INPUT));
    assertEquals(List.of(KeyValue.pair("a", "1")), run(s -> s.filterNot((k, v) -> v.length() > 1).to("out"), INPUT));
  }

  @Test
  void mapAndMapValuesAndSelectKeyReshapeRecords() {
    assertEquals(List.of(KeyValue.pair("1", "a"), KeyValue.pair("22", "b"), KeyValue.pair("333", "c")),
        run(s -> s.map((k, v) -> KeyValue.pair(v, k)).to("out"), INPUT));
    assertEquals(List.of(KeyValue.pair("a", "1!"), KeyValue.pair("b", "22!"), KeyValue.pair("c", "333!")),
        run(s -> s.mapValues(v -> v + "!").to("out"), INPUT));
    assertEquals(List.of(KeyValue.pair("a", "a1"), KeyValue.pair("b", "b22"), KeyValue.pair("c", "c333")),
        run(s -> s.mapValues((k, v) -> k + v).to("out"), INPUT));
    assertEquals(List.of(KeyValue.pair("1", "1"), KeyValue.pair("2", "22"), KeyValue.pair("3", "333")),
        run(s -> s.selectKey((k, v) -> String.valueOf(v.length())).to("out"), INPUT));
  }

  @Test
  void flatMapAndFlatMapValuesEmitZeroOrMoreRecords() {
    assertEquals(List.of(KeyValue.pair("b", "2"), KeyValue.pair("b", "2"), KeyValue.pair("c", "3"), KeyValue.pair("c", "3"),
        KeyValue.pair("c", "3")), run(s -> s.flatMapValues(v -> v.length() == 1 ? List.<String>of() : Arrays.asList(v.split(""))).to("out"), INPUT));
    assertEquals(List.of(KeyValue.pair("a", "1"), KeyValue.pair("a1", "1")),
        run(s -> s.flatMap((k, v) -> List.of(KeyValue.pair(k, v), KeyValue.pair(k + v, v))).filter((k, v) -> v.equals("1")).to("out"), INPUT));
  }

  @Test
  void peekAndForeachSeeEveryRecord() {
    List<String> peeked = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    assertEquals(INPUT, run(s -> {
      KStream<String, String> p = s.peek((k, v) -> peeked.add(k));
      p.foreach((k, v) -> seen.add(v));
      p.to("out");
    }, INPUT));
    assertEquals(List.of("a", "b", "c"), peeked);
    assertEquals(List.of("1", "22", "333"), seen);
  }

  @Test
  void mergeInterleavesTwoStreams() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> a = builder.stream("a");
    KStream<String, String> b = builder.stream("b");
    a.merge(b).to("out");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      var inA = driver.createInputTopic("a", new StringSerializer(), new StringSerializer());
      var inB = driver.createInputTopic("b", new StringSerializer(), new StringSerializer());
      var out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      inA.pipeInput("k", "from-a");
      inB.pipeInput("k", "from-b");
      inA.pipeInput("k", "from-a-2");
      assertEquals(List.of("from-a", "from-b", "from-a-2"), out.readValuesToList());
    }
  }

  @Test
  void splitSendsEachRecordToTheFirstMatchingBranchOrTheDefault() {
    StreamsBuilder builder = new StreamsBuilder();
    Map<String, KStream<String, String>> branches = builder.<String, String>stream("in").split("len-")
        .branch((k, v) -> v.length() == 1, Branched.as("one"))
        .branch((k, v) -> v.length() <= 2, Branched.as("two"))
        .defaultBranch(Branched.as("more"));
    assertEquals(java.util.Set.of("len-one", "len-two", "len-more"), branches.keySet());
    branches.get("len-one").to("one");
    branches.get("len-two").to("two");
    branches.get("len-more").to("more");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      in.pipeKeyValueList(List.of(KeyValue.pair("a", "1"), KeyValue.pair("b", "22"), KeyValue.pair("c", "333"), KeyValue.pair("d", "4")));
      assertEquals(List.of("1", "4"), driver.createOutputTopic("one", new StringDeserializer(), new StringDeserializer()).readValuesToList());
      assertEquals(List.of("22"), driver.createOutputTopic("two", new StringDeserializer(), new StringDeserializer()).readValuesToList());
      assertEquals(List.of("333"), driver.createOutputTopic("more", new StringDeserializer(), new StringDeserializer()).readValuesToList());
    }
  }

  @Test
  void toWithATopicNameExtractorChoosesTheTopicPerRecord() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("in").to((k, v, ctx) -> "out-" + k + "-" + ctx.topic());
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      in.pipeInput("x", "1");
      in.pipeInput("y", "2");
      assertEquals(List.of("1"), driver.createOutputTopic("out-x-in", new StringDeserializer(), new StringDeserializer()).readValuesToList());
      assertEquals(List.of("2"), driver.createOutputTopic("out-y-in", new StringDeserializer(), new StringDeserializer()).readValuesToList());
    }
  }

  @Test
  void repartitionPassesRecordsThroughAnInternalTopicAndDropsNullKeys() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("in").selectKey((k, v) -> v.equals("x") ? null : v).repartition(Repartitioned.as("by-value")).to("out");
    Topology topology = builder.build();
    assertTrue(topology.describe().contains("<application.id>-by-value-repartition"), topology.describe());
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props())) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      var out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      in.pipeInput("a", "v1");
      in.pipeInput("b", "x");
      in.pipeInput("c", "v2");
      assertEquals(List.of(KeyValue.pair("v1", "v1"), KeyValue.pair("v2", "v2")), out.readKeyValuesToList());
      assertEquals(1L, driver.metrics().get("dropped-records-total"));
    }
  }

  @Test
  void toTableKeepsTheLatestValuePerKeyAndNullDeletes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("in").toTable(Materialized.as("latest")).toStream().to("out");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      in.pipeInput("a", "1");
      in.pipeInput("a", "2");
      in.pipeInput("b", "3");
      in.pipeInput("b", null);
      KeyValueStore<String, String> store = driver.getKeyValueStore("latest");
      assertEquals("2", store.get("a"));
      assertEquals(null, store.get("b"));
      assertEquals(List.of(KeyValue.pair("a", "2")), store.all());
      var out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      assertEquals(4, out.getQueueSize());
    }
  }

  @Test
  void processRunsACustomProcessorWithAStateStoreAndPunctuations() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
    builder.<String, String>stream("in").process(() -> new Processor<String, String, String, Long>() {
      private ProcessorContext<String, Long> context;
      private KeyValueStore<String, Long> seen;

      @Override
      public void init(ProcessorContext<String, Long> context) {
        this.context = context;
        this.seen = context.getStateStore("seen");
        context.schedule(java.time.Duration.ofSeconds(10), PunctuationType.WALL_CLOCK_TIME,
            now -> context.forward(new Record<>("total", seen.approximateNumEntries(), now)));
      }

      @Override
      public void process(Record<String, String> record) {
        Long n = seen.get(record.key());
        long next = n == null ? 1 : n + 1;
        seen.put(record.key(), next);
        context.forward(record.withValue(next));
      }
    }, "seen").to("out", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(), Instant.ofEpochMilli(0))) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      var out = driver.createOutputTopic("out", new StringDeserializer(), new LongDeserializer());
      in.pipeInput("a", "x");
      in.pipeInput("a", "y");
      in.pipeInput("b", "z");
      assertEquals(List.of(KeyValue.pair("a", 1L), KeyValue.pair("a", 2L), KeyValue.pair("b", 1L)), out.readKeyValuesToList());
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(9));
      assertTrue(out.isEmpty());
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
      assertEquals(KeyValue.pair("total", 2L), out.readKeyValue());
    }
  }

  @Test
  void aProcessorWithoutAccessToAStoreIsToldWhichStoresItHas() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
    builder.<String, String>stream("in").process(() -> new Processor<String, String, String, String>() {
      @Override
      public void init(ProcessorContext<String, String> context) {
        context.getStateStore("seen");
      }

      @Override
      public void process(Record<String, String> record) {}
    });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopologyTestDriver(builder.build(), props()));
    assertTrue(e.getMessage().contains("has no access to state store 'seen'"), e.getMessage());
  }

  @Test
  void aMissingSerdeIsReportedWithTheSettingToUse() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("in").to("out");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "no-serdes");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> in.pipeInput("a", "b"));
      assertTrue(e.getMessage().contains("default.key.serde"), e.getMessage());
    }
  }

  @Test
  void unknownSettingsAndBadOptionsAreRefused() {
    Properties p = props();
    p.put("no.such.setting", "1");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Topology t = builder.build();
    assertThrows(IllegalArgumentException.class, () -> new TopologyTestDriver(t, p));
    assertThrows(IllegalArgumentException.class, () -> Materialized.as("bad name"));
    assertThrows(IllegalArgumentException.class, () -> new StreamsBuilder().stream("bad topic!"));
    assertThrows(IllegalArgumentException.class, () -> TimeWindows.ofSizeWithNoGrace(java.time.Duration.ZERO));
  }
}
