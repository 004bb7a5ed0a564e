package io.courant.examples;

import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.TopicExistsException;
import io.courant.node.CourantNode;
import java.util.concurrent.CompletionException;

/** What the examples' mains share. */
final class Examples {
  private Examples() {}

  /** Creates the topics that do not exist yet. */
  static void createTopics(CourantNode node, NewTopic... topics) {
    for (NewTopic t : topics) {
      try {
        Courant.get(node.system()).createTopic(t).toCompletableFuture().join();
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
