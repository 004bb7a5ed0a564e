package io.courant.log;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** How a partition finds its topic when it starts (the node wires it to the topic controller). */
@FunctionalInterface
public interface TopicResolver {
  /** The topic with this id, or empty when it does not exist (any more). */
  CompletionStage<Optional<TopicLog>> resolve(UUID topicId);
}
