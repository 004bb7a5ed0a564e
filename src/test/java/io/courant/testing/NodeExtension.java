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

  public ActorSystem<Void> system() {
    return node.system();
  }
}
