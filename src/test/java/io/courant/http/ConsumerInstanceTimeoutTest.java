package io.courant.http;

import static io.courant.http.HttpNode.TEXT_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance nobody calls is closed after courant.http.consumer.instance-timeout: it leaves its group and is gone. */
class ConsumerInstanceTimeoutTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode(ConfigFactory.parseString("courant.http.consumer.instance-timeout = 2s"));

  @Test
  void anIdleInstanceLeavesItsGroupAndIsGone() {
    String topic = node.topicWithRecords("http-idle", 1, 1);
    String group = "g-" + UUID.randomUUID();
    assertEquals(200, node.post("/consumers/" + group, V2, "{\"name\":\"idle\",\"format\":\"text\",\"auto.offset.reset\":\"earliest\"}").status());
    String instance = "/consumers/" + group + "/instances/idle";
    assertEquals(204, node.post(instance + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    Await.until("the instance joined its group and read the record", Duration.ofSeconds(30),
        () -> node.get(instance + "/records?timeout=500", TEXT_V2).json().size() == 1);
    assertEquals(1, TestNode.await(node.courant().describeGroup(group)).members().size());

    // No more requests to the instance: only the group is watched.
    Await.until("the idle instance left its group", Duration.ofSeconds(30), Duration.ofMillis(200),
        () -> TestNode.await(node.courant().describeGroup(group)).members().isEmpty());
    var gone = node.get(instance + "/records", TEXT_V2);
    assertEquals(404, gone.status(), gone.toString());
    assertEquals(40403, gone.errorCode());
  }
}
