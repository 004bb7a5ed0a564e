package io.courant.client;

import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every wrong setting or call of the consumer gets a typed error that says what is allowed, and changes nothing. */
class ConsumerBadInputTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static ConsumerSettings settings(String group) {
    return ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("heartbeat.interval.ms", 200)
        .with("session.timeout.ms", 6000);
  }

  private static void assertMessage(String expectedStart, Throwable e) {
    assertTrue(e.getMessage().startsWith(expectedStart), "message: " + e.getMessage());
  }

  @Test
  void wrongSettingsAreRefusedWithWhatIsAllowed() {
    ConsumerSettings s = ConsumerSettings.create("g");
    assertMessage("unknown consumer setting 'auto.offset.rest'; supported: [auto.commit.interval.ms",
        assertThrows(IllegalArgumentException.class, () -> s.with("auto.offset.rest", "earliest")));
    assertMessage("auto.offset.reset must be earliest, latest or none, not 'first'",
        assertThrows(IllegalArgumentException.class, () -> s.with("auto.offset.reset", "first")));
    assertMessage("max.poll.records must be a positive integer, not '0'",
        assertThrows(IllegalArgumentException.class, () -> s.with("max.poll.records", 0)));
    assertMessage("session.timeout.ms must be a positive integer, not 'ten'",
        assertThrows(IllegalArgumentException.class, () -> s.with("session.timeout.ms", "ten")));
    assertMessage("enable.auto.commit must be true or false, not 'yes'",
        assertThrows(IllegalArgumentException.class, () -> s.with("enable.auto.commit", "yes")));
    assertMessage("partition.assignment.strategy must name at least one assignor",
        assertThrows(IllegalArgumentException.class, () -> s.with("partition.assignment.strategy", " , ")));
    assertMessage("partition.assignment.strategy must be one of [range, roundrobin, sticky, cooperative-sticky",
        assertThrows(IllegalArgumentException.class, () -> s.with("partition.assignment.strategy", "range,fair")));
    assertMessage("heartbeat.interval.ms (6000) must be lower than session.timeout.ms (6000)",
        assertThrows(IllegalArgumentException.class, () -> new CourantConsumer(node.system(),
            s.with("session.timeout.ms", 6000).with("heartbeat.interval.ms", 6000))));
    assertEquals("latest", s.autoOffsetReset(), "a refused change leaves the settings as they were");
  }

  @Test
  void callsThatDoNotFitTheConsumersStateAreRefused() {
    String topic = node.topicWithRecords("bad-input", 2, 4);
    TopicPartition p0 = new TopicPartition(topic, 0);
    try (CourantConsumer noGroup = new CourantConsumer(node.system(), settings(""))) {
      assertMessage("subscribe needs a group.id", assertThrows(InvalidGroupIdException.class, () -> noGroup.subscribe(List.of(topic))));
      assertThrows(InvalidGroupIdException.class, () -> noGroup.committed(java.util.Set.of(p0)));
      assertMessage("partition " + p0 + " is not assigned", assertThrows(IllegalStateException.class, () -> noGroup.position(p0)));
      assertThrows(IllegalStateException.class, () -> noGroup.seek(p0, 1));
      noGroup.assign(List.of(p0));
      assertMessage("offset must be >= 0, not -3", assertThrows(IllegalArgumentException.class, () -> noGroup.seek(p0, -3)));
      assertEquals(0, noGroup.position(p0), "the refused seek changed nothing");
    }
    try (CourantConsumer grouped = new CourantConsumer(node.system(), settings(uniqueTopic("g")))) {
      assertThrows(InvalidTopicException.class, () -> grouped.subscribe(List.of("bad/topic name")));
      grouped.assign(List.of(p0));
      assertMessage("this consumer uses assign()", assertThrows(IllegalStateException.class, () -> grouped.subscribe(List.of(topic))));
      grouped.unsubscribe();
      grouped.subscribe(Pattern.compile(Pattern.quote(topic)), ConsumerRebalanceListener.NONE);
      assertMessage("this consumer uses subscribe()", assertThrows(IllegalStateException.class, () -> grouped.assign(List.of(p0))));
      grouped.close();
      assertMessage("this consumer is closed", assertThrows(IllegalStateException.class, () -> grouped.poll(Duration.ZERO)));
    }
  }

  @Test
  void theGroupRefusesASessionTimeoutOutsideItsRangeAndMembersWithoutACommonAssignor() {
    String topic = node.topicWithRecords("bad-group", 2, 4);
    String group = uniqueTopic("g");
    try (CourantConsumer tooShort = new CourantConsumer(node.system(), settings(group).with("heartbeat.interval.ms", 100)
        .with("session.timeout.ms", 500))) {
      tooShort.subscribe(List.of(topic));
      assertMessage("session.timeout.ms 500 is outside 1000 to 1800000",
          assertThrows(InvalidSessionTimeoutException.class, () -> tooShort.poll(Duration.ofSeconds(5))));
    }
    try (CourantConsumer range = new CourantConsumer(node.system(), settings(group).with("partition.assignment.strategy", "range"));
        CourantConsumer roundRobin = new CourantConsumer(node.system(),
            settings(group).with("partition.assignment.strategy", "roundrobin"))) {
      range.subscribe(List.of(topic));
      int[] read = {0};
      io.courant.testing.Await.until("the first member reading the topic", Duration.ofSeconds(15), Duration.ZERO,
          () -> (read[0] += range.poll(Duration.ofMillis(500)).size()) == 4);
      roundRobin.subscribe(List.of(topic));
      assertMessage("group '" + group + "' uses protocol type 'consumer' with assignors its members all support",
          assertThrows(InconsistentGroupProtocolException.class, () -> roundRobin.poll(Duration.ofSeconds(5))));
      assertEquals(2, range.assignment().size(), "the group kept its member and assignment");
    }
  }
}
