package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code courant.kafka} as read from HOCON: node ids and the leader refresh interval. */
class KafkaSettingsTest {
  private static KafkaSettings read(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return KafkaSettings.create(config.getConfig("courant.kafka"));
  }

  @Test
  void theNodeIdIsDerivedByDefaultOrGivenAsANumber() {
    KafkaSettings defaults = read("");
    assertEquals(KafkaSettings.AUTO_NODE_ID, defaults.nodeId(), "node-id = auto by default");
    assertEquals(Duration.ofSeconds(1), defaults.leaderRefresh());
    assertEquals(7, read("courant.kafka.node-id = 7").nodeId());
    assertEquals(KafkaSettings.AUTO_NODE_ID, read("courant.kafka.node-id = auto").nodeId());
  }

  @Test
  void rejectsANodeIdThatIsNeitherAutoNorANumberAndANonPositiveRefresh() {
    var wrong = assertThrows(IllegalArgumentException.class, () -> read("courant.kafka.node-id = first"));
    assertTrue(wrong.getMessage().contains("auto or a number >= 0") && wrong.getMessage().contains("first"), wrong.getMessage());
    var negative = assertThrows(IllegalArgumentException.class, () -> read("courant.kafka.node-id = -5"));
    assertTrue(negative.getMessage().contains("-5"), negative.getMessage());
    var refresh = assertThrows(IllegalArgumentException.class, () -> read("courant.kafka.leader-refresh = 0s"));
    assertTrue(refresh.getMessage().contains("leader-refresh must be positive"), refresh.getMessage());
  }
}
