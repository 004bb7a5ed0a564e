package io.courant.http;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.examples.WordCountExample;
import io.courant.log.Partition.Acks;
import io.courant.stream.dsl.Consumed;
import io.courant.stream.dsl.CourantStreams;
import io.courant.stream.dsl.Materialized;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StreamsBuilder;
import io.courant.stream.dsl.TimeWindows;
import io.courant.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /streams/{application_id}/stores/...: a word count's key-value store and a windowed count's
 * window store, read over real HTTP from the node the application runs on.
 */
class StreamsRoutesTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();

  /** A customer, JSON in its topic and in the HTTP answers. */
  public record Customer(String id, String name) {}

  private static String app;
  private static CourantStreams streams;

  @BeforeAll
  static void startApplication() {
    String lines = uniqueTopic("lines");
    String counts = uniqueTopic("counts");
    String views = uniqueTopic("views");
    String customers = uniqueTopic("customers");
    for (String t : List.of(lines, counts, views, customers)) {
      await(node.courant().createTopic(new NewTopic(t, 2)));
    }
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      batch.add(ProducerRecord.of(lines, "l" + i, "apple banana" + (i % 3 == 0 ? " cherry" : "")));
      batch.add(ProducerRecord.of(views, "page-" + (i % 2), "v").withTimestamp(60_000L * (i % 3) + i));
    }
    batch.add(ProducerRecord.of(customers, "c1", "{\"id\":\"c1\",\"name\":\"Alice\"}"));
    await(node.courant().sendAll(batch, Acks.ALL));
    StreamsBuilder builder = WordCountExample.builder(lines, counts);
    var viewStream = builder.stream(views, Consumed.with(Serdes.String(), Serdes.String()));
    viewStream.groupByKey().count(); // a store with a generated name: not queryable, as in Kafka Streams
    viewStream.groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofHours(1)))
        .count(Materialized.as("views-per-minute"));
    builder.table(customers, Consumed.with(Serdes.String(), Serdes.Json(Customer.class)), Materialized.as("customers"));
    app = uniqueTopic("http-iq");
    streams = new CourantStreams(builder.build(), WordCountExample.props(app), node.system());
    streams.start();
    Await.until("every line and view counted", Duration.ofSeconds(60),
        () -> node.get(base() + "/keys/banana").status() == 200 && node.get(base() + "/keys/banana").json().get("value").asLong() == 30
            && node.get("/streams/" + app + "/stores/views-per-minute/windows").json().size() == 6
            && node.get("/streams/" + app + "/stores/customers/keys/c1").status() == 200);
  }

  @AfterAll
  static void stopApplication() {
    streams.close();
  }

  private static String base() {
    return "/streams/" + app + "/stores/word-counts";
  }

  @Test
  void aKeyIsReadWithItsValueAsJsonAndTheNodeThatAnswered() {
    var r = node.get(base() + "/keys/cherry");
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals("{\"key\":\"cherry\",\"value\":10}", r.body());
  }

  @Test
  void aJsonSerdesValueIsAnsweredAsJson() {
    var r = node.get("/streams/" + app + "/stores/customers/keys/c1");
    assertEquals("{\"key\":\"c1\",\"value\":{\"id\":\"c1\",\"name\":\"Alice\"}}", r.body());
  }

  @Test
  void aKeyRangeAndAllEntriesAreReadInKeyOrder() {
    JsonNode range = node.get(base() + "/keys?from=b&to=c").json();
    assertEquals("[{\"key\":\"banana\",\"value\":30}]", range.toString());
    JsonNode all = node.get(base() + "/keys").json();
    assertEquals("[{\"key\":\"apple\",\"value\":30},{\"key\":\"banana\",\"value\":30},{\"key\":\"cherry\",\"value\":10}]", all.toString());
  }

  @Test
  void theApplicationsNamedStoresAreListedWithTheirKeyFormat() {
    JsonNode stores = node.get("/streams/" + app + "/stores").json();
    assertEquals(3, stores.size(), "word-counts, views-per-minute and customers, not the generated store: " + stores);
    assertTrue(stores.toString().contains("{\"name\":\"word-counts\",\"type\":\"key-value\",\"key_format\":\"text\"}"), stores.toString());
    assertTrue(stores.toString().contains("{\"name\":\"views-per-minute\",\"type\":\"window\",\"key_format\":\"text\"}"), stores.toString());
  }

  @Test
  void aKeysWindowsAreReadWithinATimeRange() {
    String windows = "/streams/" + app + "/stores/views-per-minute/keys/page-0/windows";
    JsonNode all = node.get(windows).json();
    assertEquals(3, all.size(), all.toString());
    assertEquals("{\"key\":\"page-0\",\"start\":0,\"end\":60000,\"value\":5}", all.get(0).toString());
    JsonNode second = node.get(windows + "?from=60000&to=60000").json();
    assertEquals("[{\"key\":\"page-0\",\"start\":60000,\"end\":120000,\"value\":5}]", second.toString());
    JsonNode everyKey = node.get("/streams/" + app + "/stores/views-per-minute/windows?from=120000").json();
    assertEquals(2, everyKey.size(), everyKey.toString());
  }

  @Test
  void missingApplicationsStoresAndKeysAre404WithTheirOwnErrorCodes() {
    var noApp = node.get("/streams/no-such-app/stores/word-counts/keys/x");
    assertEquals(404, noApp.status());
    assertEquals(40410, noApp.errorCode());
    var noStore = node.get("/streams/" + app + "/stores/no-such-store/keys/x");
    assertEquals(404, noStore.status());
    assertEquals(40411, noStore.errorCode());
    assertTrue(noStore.body().contains("word-counts"), "names the stores there are: " + noStore.body());
    var noKey = node.get(base() + "/keys/durian");
    assertEquals(404, noKey.status());
    assertEquals(40412, noKey.errorCode());
  }

  @Test
  void readingAStoreThroughTheOtherTypesRouteOrWithBadTimesIsRefused() {
    var wrongType = node.get("/streams/" + app + "/stores/views-per-minute/keys/page-0");
    assertEquals(422, wrongType.status());
    assertEquals(42210, wrongType.errorCode());
    var badTime = node.get("/streams/" + app + "/stores/views-per-minute/windows?from=yesterday");
    assertEquals(400, badTime.status());
    assertTrue(badTime.body().contains("epoch milliseconds"), badTime.body());
  }
}
