package io.courant.stream.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KTable.groupBy → KGroupedTable count / reduce / aggregate: updates subtract from the old group and add to the new one. */
class KGroupedTableTest {
  /** users: user id → "region:score". */
  private static KGroupedTable<String, String> usersByRegion(StreamsBuilder builder) {
    return builder.<String, String>table("users").groupBy((id, v) -> KeyValue.pair(v.split(":")[0], v));
  }

  private static TestInputTopic<String, String> users(TopologyTestDriver d) {
    return d.createInputTopic("users", new StringSerializer(), new StringSerializer());
  }

  @Test
  void countFollowsRowsThatMoveToAnotherGroupAndRowsThatAreDeleted() {
    StreamsBuilder builder = new StreamsBuilder();
    usersByRegion(builder).count(Materialized.as("per-region")).toStream().to("out", Produced.with(Serdes.String(), Serdes.Long()));
    Topology topology = builder.build();
    assertTrue(topology.describe().contains("Sub-topology: 1"), "groupBy repartitions: " + topology.describe());
    try (TopologyTestDriver d = new TopologyTestDriver(topology, StatelessOperatorsTest.props())) {
      var in = users(d);
      var out = d.createOutputTopic("out", new StringDeserializer(), new LongDeserializer());
      in.pipeInput("alice", "eu:1");
      in.pipeInput("bob", "eu:2");
      in.pipeInput("carol", "us:3");
      assertEquals(List.of(KeyValue.pair("eu", 1L), KeyValue.pair("eu", 2L), KeyValue.pair("us", 1L)), out.readKeyValuesToList());
      in.pipeInput("bob", "us:2"); // moves: leaves eu, joins us
      assertEquals(List.of(KeyValue.pair("eu", 1L), KeyValue.pair("us", 2L)), out.readKeyValuesToList(),
          "the subtraction from the old group comes before the addition to the new one");
      in.pipeInput("alice", "eu:5"); // same group: one update, count unchanged
      assertEquals(List.of(KeyValue.pair("eu", 1L)), out.readKeyValuesToList());
      in.pipeInput("carol", null); // tombstone: only subtracts
      assertEquals(List.of(KeyValue.pair("us", 1L)), out.readKeyValuesToList());
      in.pipeInput("dave", null); // deleting a row that never existed changes nothing
      assertTrue(out.isEmpty());
      KeyValueStore<String, Long> store = d.getKeyValueStore("per-region");
      assertEquals(1L, store.get("eu"));
      assertEquals(1L, store.get("us"));
    }
  }

  @Test
  void reduceAddsNewValuesAndSubtractsOldOnes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>table("users")
        .groupBy((id, v) -> KeyValue.pair(v.split(":")[0], Long.parseLong(v.split(":")[1])), Grouped.with(Serdes.String(), Serdes.Long()))
        .reduce(Long::sum, (total, old) -> total - old, Materialized.as("score-per-region"));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      var in = users(d);
      in.pipeInput("alice", "eu:10");
      in.pipeInput("bob", "eu:5");
      in.pipeInput("alice", "eu:7");
      in.pipeInput("bob", "us:5");
      in.pipeInput("carol", "us:1");
      in.pipeInput("carol", null);
      KeyValueStore<String, Long> store = d.getKeyValueStore("score-per-region");
      assertEquals(7L, store.get("eu"));
      assertEquals(5L, store.get("us"));
    }
  }

  @Test
  void aggregateStartsFromTheInitializerAndKeepsAnEmptyGroupsAggregate() {
    StreamsBuilder builder = new StreamsBuilder();
    usersByRegion(builder).aggregate(() -> "", (region, v, agg) -> agg + "+" + v.split(":")[1],
            (region, v, agg) -> agg + "-" + v.split(":")[1], Materialized.<String, String>as("history").withValueSerde(Serdes.String()))
        .toStream().to("out", Produced.with(Serdes.String(), Serdes.String()));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      var in = users(d);
      var out = d.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      in.pipeInput("alice", "eu:1");
      in.pipeInput("alice", "eu:2");
      in.pipeInput("alice", "us:2");
      in.pipeInput("alice", null);
      assertEquals(List.of(KeyValue.pair("eu", "+1"), KeyValue.pair("eu", "+1-1+2"), KeyValue.pair("eu", "+1-1+2-2"),
          KeyValue.pair("us", "+2"), KeyValue.pair("us", "+2-2")), out.readKeyValuesToList());
      assertEquals("+1-1+2-2", d.<String, String>getKeyValueStore("history").get("eu"));
    }
  }

  @Test
  void rowsTheSelectorMapsToANullKeyAreLeftOut() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>table("users")
        .groupBy((id, v) -> KeyValue.pair(v.startsWith("none") ? null : v.split(":")[0], v))
        .count(Materialized.as("per-region"));
    try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props())) {
      var in = users(d);
      in.pipeInput("alice", "eu:1");
      in.pipeInput("alice", "none:1"); // leaves eu, joins no group
      in.pipeInput("bob", "none:2");
      KeyValueStore<String, Long> store = d.getKeyValueStore("per-region");
      assertEquals(0L, store.get("eu"));
      assertNull(store.get("none"));
      assertEquals(1, store.all().size());
    }
  }
}
