package io.courant.kafka.internal;

import io.courant.client.Courant;
import io.courant.topic.TopicDescription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;

/**
 * The topics by Kafka topic id, for requests that name topics by id (Produce v13, Fetch v13+,
 * OffsetCommit v10+). Read from the topic controller again when an unknown id is asked for.
 */
final class TopicCatalog {
  private final Courant courant;
  private volatile Map<Uuid, TopicDescription> byId = Map.of();
  private CompletableFuture<Map<Uuid, TopicDescription>> loading;

  TopicCatalog(Courant courant) {
    this.courant = courant;
  }

  static Uuid kafkaId(UUID id) {
    return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  /** The topic with this id from the cache, if it is there. */
  Optional<TopicDescription> cached(Uuid id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The topic with this id, reading the controller's list again if it is not cached. */
  CompletionStage<Optional<TopicDescription>> byId(Uuid id) {
    TopicDescription t = byId.get(id);
    if (t != null) {
      return CompletableFuture.completedFuture(Optional.of(t));
    }
    return reload().thenApply(m -> Optional.ofNullable(m.get(id)));
  }

  /** Remembers topics read elsewhere (Metadata answers). */
  void remember(List<TopicDescription> topics) {
    Map<Uuid, TopicDescription> next = new HashMap<>(byId);
    topics.forEach(t -> next.put(kafkaId(t.topicId()), t));
    byId = Map.copyOf(next);
  }

  private synchronized CompletionStage<Map<Uuid, TopicDescription>> reload() {
    if (loading != null) {
      return loading;
    }
    CompletableFuture<Map<Uuid, TopicDescription>> f = new CompletableFuture<>();
    loading = f;
    courant.listTopics().whenComplete((topics, failure) -> {
      synchronized (this) {
        loading = null;
      }
      if (failure != null) {
        f.completeExceptionally(failure);
      } else {
        Map<Uuid, TopicDescription> next = new HashMap<>();
        topics.forEach(t -> next.put(kafkaId(t.topicId()), t));
        byId = Map.copyOf(next);
        f.complete(byId);
      }
    });
    return f;
  }
}
