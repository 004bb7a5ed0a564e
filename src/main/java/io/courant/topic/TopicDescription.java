package io.courant.topic;

import io.courant.CborSerializable;
import java.util.Map;
import java.util.UUID;

/**
 * A topic as the controller knows it.
 *
 * @param name the topic's name
 * @param topicId its id: partition logs are keyed by it, so a topic created again under the same
 *     name starts empty
 * @param partitions its partition count
 * @param configs the configs set on the topic (Kafka's names); others take the node defaults
 * @param createdAt creation time, ms since the epoch
 */
public record TopicDescription(String name, UUID topicId, int partitions, Map<String, String> configs, long createdAt)
    implements CborSerializable {
  public TopicDescription {
    configs = Map.copyOf(configs);
  }
}
