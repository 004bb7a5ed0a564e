package io.courant.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.Courant;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestNode} for a whole test class:
 * {@code @RegisterExtension static final NodeExtension node = new NodeExtension();}
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {
  private final Config overrides;
  private TestNode node;

  public NodeExtension() {
    this(ConfigFactory.empty());
  }

  /** A node with these settings over the defaults. */
  public NodeExtension(Config overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.start(overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    node.close();
  }

  public Courant courant() {
    return node.courant();
  }

  /**
   * Creates a topic and writes {@code records} values "r0", "r1", ... to it, record i to partition
   * i % partitions.
   */
  public String topicWithRecords(String prefix, int partitions, int records) {
    String topic = TestNode.uniqueTopic(prefix);
    TestNode.await(courant().createTopic(new io.courant.client.NewTopic(topic, partitions)));
    java.util.List<io.courant.client.ProducerRecord> batch = new java.util.ArrayList<>();
    for (int i = 0; i < records; i++) {
      batch.add(io.courant.client.ProducerRecord.of(topic, null, "r" + i).withPartition(i % partitions));
    }
    TestNode.await(courant().sendAll(batch, io.courant.log.Partition.Acks.ALL));
    return topic;
  }

  public ActorSystem<Void> system() {
    return node.system();
  }
}
