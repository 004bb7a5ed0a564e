package io.courant.stream.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every join type with its null and timing cases. */
class JoinTest {
  private static TopologyTestDriver driver(StreamsBuilder builder) {
    return new TopologyTestDriver(builder.build(), StatelessOperatorsTest.props());
  }

  private static TestInputTopic<String, String> input(TopologyTestDriver d, String topic) {
    return d.createInputTopic(topic, new StringSerializer(), new StringSerializer());
  }

  private static TestOutputTopic<String, String> output(TopologyTestDriver d) {
    return d.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
  }

  private static List<KeyValue<String, String>> kvs(String... pairs) {
    List<KeyValue<String, String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.add(KeyValue.pair(pairs[i], pairs[i + 1]));
    }
    return out;
  }

  private static StreamsBuilder streamStream(String kind) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> left = b.stream("left");
    KStream<String, String> right = b.stream("right");
    JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));
    ValueJoiner<String, String, String> j = (l, r) -> l + "+" + r;
    (switch (kind) {
      case "inner" -> left.join(right, j, w);
      case "left" -> left.leftJoin(right, j, w);
      default -> left.outerJoin(right, j, w);
    }).to("out");
    return b;
  }

  @Test
  void streamStreamInnerJoinPairsRecordsWithinTheWindowOnly() {
    try (TopologyTestDriver d = driver(streamStream("inner"))) {
      input(d, "left").pipeInput("k", "L1", 100);
      input(d, "right").pipeInput("k", "R1", 105);  // within 10 ms: joins
      input(d, "right").pipeInput("k", "R2", 111);  // 11 ms after L1: no
      input(d, "left").pipeInput("k", "L2", 101);   // out of order: joins R1 and R2
      input(d, "left").pipeInput("other", "L3", 101);
      input(d, "left").pipeInput(null, "no key", 101);
      assertEquals(kvs("k", "L1+R1", "k", "L2+R1", "k", "L2+R2"), output(d).readKeyValuesToList());
      assertEquals(1L, d.metrics().get("dropped-records-total"));
    }
  }

  @Test
  void streamStreamLeftJoinEmitsUnmatchedLeftRecordsWithNullOnlyAfterTheWindowAndGrace() {
    try (TopologyTestDriver d = driver(streamStream("left"))) {
      input(d, "left").pipeInput("a", "L1", 100);
      input(d, "left").pipeInput("b", "L2", 100);
      input(d, "right").pipeInput("b", "R1", 108);
      assertEquals(kvs("b", "L2+R1"), output(d).readKeyValuesToList(), "a may still find a partner: nothing for it yet");
      input(d, "right").pipeInput("z", "R2", 115); // stream time 115 = 100 + 10 + 5: not yet past
      assertTrue(output(d).isEmpty());
      input(d, "right").pipeInput("z", "R3", 116); // past: a's window closed
      assertEquals(kvs("a", "L1+null"), output(d).readKeyValuesToList());
      input(d, "left").pipeInput("a", "late", 100); // 100 + 10 + 5 < 116: late, dropped
      assertEquals(1L, d.metrics().get("late-records-dropped-total"));
      assertTrue(output(d).isEmpty());
    }
  }

  @Test
  void anUnmatchedOutOfOrderRecordWhoseWindowIsAlreadyBehindStreamTimeIsEmittedAtOnce() {
    try (TopologyTestDriver d = driver(streamStream("left"))) {
      input(d, "right").pipeInput("z", "R1", 112);
      input(d, "left").pipeInput("a", "L1", 101); // window [91, 111] ends before stream time 112, within grace: not late
      assertEquals(kvs("a", "L1+null"), output(d).readKeyValuesToList(), "as Kafka Streams: no wait for the grace period");
      input(d, "left").pipeInput("b", "L2", 105); // window end 115 >= 112: waits for a partner
      assertTrue(output(d).isEmpty());
      assertEquals(0L, d.metrics().get("late-records-dropped-total"));
    }
  }

  @Test
  void streamStreamOuterJoinEmitsUnmatchedRecordsOfBothSides() {
    try (TopologyTestDriver d = driver(streamStream("outer"))) {
      input(d, "left").pipeInput("a", "L1", 100);
      input(d, "right").pipeInput("b", "R1", 100);
      input(d, "right").pipeInput("a", "R2", 200);
      assertEquals(kvs("a", "L1+null", "b", "null+R1"), output(d).readKeyValuesToList());
    }
  }

  private static StreamsBuilder streamTable(boolean left) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> customers = b.table("customers");
    KStream<String, String> orders = b.stream("orders");
    (left ? orders.leftJoin(customers, (o, c) -> o + "/" + c) : orders.join(customers, (o, c) -> o + "/" + c)).to("out");
    return b;
  }

  @Test
  void streamTableInnerJoinUsesTheTableValueAtTheTimeOfTheStreamRecord() {
    try (TopologyTestDriver d = driver(streamTable(false))) {
      input(d, "orders").pipeInput("c1", "o1");            // no customer yet: dropped
      input(d, "customers").pipeInput("c1", "Alice");
      input(d, "orders").pipeInput("c1", "o2");
      input(d, "customers").pipeInput("c1", "Alice B.");    // table updates do not emit
      input(d, "orders").pipeInput("c1", "o3");
      input(d, "customers").pipeInput("c1", null);          // deleted
      input(d, "orders").pipeInput("c1", "o4");
      assertEquals(kvs("c1", "o2/Alice", "c1", "o3/Alice B."), output(d).readKeyValuesToList());
    }
  }

  @Test
  void streamTableLeftJoinEmitsEveryStreamRecord() {
    try (TopologyTestDriver d = driver(streamTable(true))) {
      input(d, "orders").pipeInput("c1", "o1");
      input(d, "customers").pipeInput("c1", "Alice");
      input(d, "orders").pipeInput("c1", "o2");
      assertEquals(kvs("c1", "o1/null", "c1", "o2/Alice"), output(d).readKeyValuesToList());
    }
  }

  @Test
  void aStreamWhoseKeyChangedIsRepartitionedBeforeATableJoin() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> customers = b.table("customers");
    b.<String, String>stream("orders").selectKey((orderId, customerId) -> customerId)
        .join(customers, (customerId, name) -> name).to("out");
    Topology t = b.build();
    assertTrue(t.describe().contains("-repartition"), t.describe());
    try (TopologyTestDriver d = new TopologyTestDriver(t, StatelessOperatorsTest.props())) {
      input(d, "customers").pipeInput("c7", "Carol");
      input(d, "orders").pipeInput("order-1", "c7");
      assertEquals(kvs("c7", "Carol"), output(d).readKeyValuesToList());
    }
  }

  private static StreamsBuilder streamGlobal(boolean left) {
    StreamsBuilder b = new StreamsBuilder();
    GlobalKTable<String, String> products = b.globalTable("products");
    KStream<String, String> orders = b.stream("orders");
    KeyValueMapper<String, String, String> productOf = (orderId, productId) -> productId;
    (left ? orders.leftJoin(products, productOf, (p, name) -> p + "=" + name)
        : orders.join(products, productOf, (p, name) -> p + "=" + name)).to("out");
    return b;
  }

  @Test
  void streamGlobalTableJoinsLookUpAComputedKey() {
    try (TopologyTestDriver d = driver(streamGlobal(false))) {
      input(d, "products").pipeInput("p1", "pen");
      input(d, "orders").pipeInput("o1", "p1");
      input(d, "orders").pipeInput("o2", "p2");
      input(d, "products").pipeInput("p1", null);
      input(d, "orders").pipeInput("o3", "p1");
      assertEquals(kvs("o1", "p1=pen"), output(d).readKeyValuesToList());
    }
    try (TopologyTestDriver d = driver(streamGlobal(true))) {
      input(d, "products").pipeInput("p1", "pen");
      input(d, "orders").pipeInput("o1", "p1");
      input(d, "orders").pipeInput("o2", "p2");
      assertEquals(kvs("o1", "p1=pen", "o2", "p2=null"), output(d).readKeyValuesToList());
    }
  }

  @Test
  void streamTableJoinsDropNullValuesAndOnlyTheInnerJoinDropsNullKeys() {
    try (TopologyTestDriver d = driver(streamTable(false))) {
      input(d, "customers").pipeInput("c1", "Alice");
      input(d, "orders").pipeInput(null, "o1");
      input(d, "orders").pipeInput("c1", null);
      assertTrue(output(d).isEmpty());
      assertEquals(2L, d.metrics().get("dropped-records-total"));
    }
    try (TopologyTestDriver d = driver(streamTable(true))) {
      input(d, "customers").pipeInput("c1", "Alice");
      input(d, "orders").pipeInput(null, "o1"); // left join: joined with null (Kafka Streams 3.7+, KIP-962)
      input(d, "orders").pipeInput("c1", null); // a null value never joins
      assertEquals(kvs(null, "o1/null"), output(d).readKeyValuesToList());
      assertEquals(1L, d.metrics().get("dropped-records-total"));
    }
  }

  @Test
  void streamGlobalTableInnerJoinDropsRecordsMappedToANullKeyAndTheLeftJoinJoinsThemWithNull() {
    StreamsBuilder inner = new StreamsBuilder();
    GlobalKTable<String, String> products = inner.globalTable("products");
    inner.<String, String>stream("orders").join(products, (o, p) -> p.isEmpty() ? null : p, (p, name) -> p + "=" + name).to("out");
    try (TopologyTestDriver d = driver(inner)) {
      input(d, "products").pipeInput("p1", "pen");
      input(d, "orders").pipeInput("o1", "");
      input(d, "orders").pipeInput("o2", "p1");
      assertEquals(kvs("o2", "p1=pen"), output(d).readKeyValuesToList());
      assertEquals(1L, d.metrics().get("dropped-records-total"));
    }
    StreamsBuilder left = new StreamsBuilder();
    GlobalKTable<String, String> products2 = left.globalTable("products");
    left.<String, String>stream("orders").leftJoin(products2, (o, p) -> p.isEmpty() ? null : p, (p, name) -> p + "=" + name).to("out");
    try (TopologyTestDriver d = driver(left)) {
      input(d, "orders").pipeInput("o1", "");
      assertEquals(kvs("o1", "=null"), output(d).readKeyValuesToList());
    }
  }

  @Test
  void streamStreamLeftAndOuterJoinsEmitNullKeyRecordsAtOnceJoinedWithNull() {
    try (TopologyTestDriver d = driver(streamStream("left"))) {
      input(d, "left").pipeInput(null, "L1", 100);
      input(d, "right").pipeInput(null, "R1", 100); // the right side of a left join: dropped
      input(d, "left").pipeInput("k", null, 100);    // a null value: dropped
      assertEquals(kvs(null, "L1+null"), output(d).readKeyValuesToList());
      assertEquals(2L, d.metrics().get("dropped-records-total"));
    }
    try (TopologyTestDriver d = driver(streamStream("outer"))) {
      input(d, "left").pipeInput(null, "L1", 100);
      input(d, "right").pipeInput(null, "R1", 100);
      assertEquals(kvs(null, "L1+null", null, "null+R1"), output(d).readKeyValuesToList());
    }
  }

  private static StreamsBuilder tableTable(String kind) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> l = b.table("left");
    KTable<String, String> r = b.table("right");
    ValueJoiner<String, String, String> j = (x, y) -> x + "+" + y;
    (switch (kind) {
      case "inner" -> l.join(r, j, Materialized.as("joined"));
      case "left" -> l.leftJoin(r, j);
      default -> l.outerJoin(r, j);
    }).toStream().to("out");
    return b;
  }

  @Test
  void tableTableInnerJoinHasAResultWhileBothSidesHaveAValue() {
    try (TopologyTestDriver d = driver(tableTable("inner"))) {
      input(d, "left").pipeInput("k", "a");
      input(d, "right").pipeInput("k", "x");
      input(d, "left").pipeInput("k", "b");
      input(d, "right").pipeInput("k", null);
      input(d, "left").pipeInput("k", "c");
      assertEquals(kvs("k", "a+x", "k", "b+x", "k", null), output(d).readKeyValuesToList());
      assertEquals(null, d.<String, String>getKeyValueStore("joined").get("k"));
    }
  }

  @Test
  void tableTableLeftAndOuterJoinsKeepOneSidedResults() {
    try (TopologyTestDriver d = driver(tableTable("left"))) {
      input(d, "right").pipeInput("k", "x");
      input(d, "left").pipeInput("k", "a");
      input(d, "right").pipeInput("k", null);
      input(d, "left").pipeInput("k", null);
      assertEquals(kvs("k", "a+x", "k", "a+null", "k", null), output(d).readKeyValuesToList());
    }
    try (TopologyTestDriver d = driver(tableTable("outer"))) {
      input(d, "right").pipeInput("k", "x");
      input(d, "left").pipeInput("k", "a");
      input(d, "right").pipeInput("k", null);
      input(d, "left").pipeInput("k", null);
      assertEquals(kvs("k", "null+x", "k", "a+x", "k", "a+null", "k", null), output(d).readKeyValuesToList());
    }
  }

  @Test
  void foreignKeyJoinFollowsChangesOfTheReferencedEntryAndOfTheReference() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> orders = b.table("orders");        // order id -> "customerId:item"
    KTable<String, String> customers = b.table("customers");  // customer id -> name
    orders.join(customers, order -> order.split(":")[0], (order, name) -> order.split(":")[1] + " for " + name)
        .toStream().to("out");
    Topology t = b.build();
    assertTrue(t.describe().contains("subscription-registration") && t.describe().contains("subscription-response"), t.describe());
    try (TopologyTestDriver d = new TopologyTestDriver(t, StatelessOperatorsTest.props())) {
      input(d, "orders").pipeInput("o1", "c1:pen");        // no customer yet: nothing
      assertTrue(output(d).isEmpty());
      input(d, "customers").pipeInput("c1", "Alice");      // answers the subscription
      input(d, "orders").pipeInput("o2", "c1:ink");
      input(d, "customers").pipeInput("c1", "Alicia");     // updates both orders
      input(d, "customers").pipeInput("c2", "Bob");
      input(d, "orders").pipeInput("o1", "c2:pen");        // moves to another customer
      input(d, "orders").pipeInput("o2", null);            // deleted
      Map<String, String> latest = new java.util.LinkedHashMap<>();
      List<KeyValue<String, String>> all = output(d).readKeyValuesToList();
      all.forEach(kv -> latest.put(kv.key(), kv.value()));
      assertEquals(kvs("o1", "pen for Alice", "o2", "ink for Alice", "o1", "pen for Alicia", "o2", "ink for Alicia", "o1", null,
          "o1", "pen for Bob", "o2", null), all);
      assertEquals("pen for Bob", latest.get("o1"));
    }
  }

  @Test
  void leftForeignKeyJoinEmitsEntriesWithoutAReferencedEntry() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> orders = b.table("orders");
    KTable<String, String> customers = b.table("customers");
    orders.leftJoin(customers, order -> order.split(":")[0], (order, name) -> order + "/" + name).toStream().to("out");
    try (TopologyTestDriver d = driver(b)) {
      input(d, "orders").pipeInput("o1", "c9:pen");
      input(d, "customers").pipeInput("c9", "Zoe");
      assertEquals(kvs("o1", "c9:pen/null", "o1", "c9:pen/Zoe"), output(d).readKeyValuesToList());
    }
  }
}
