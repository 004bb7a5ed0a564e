package io.courant.kafka.internal;

import io.courant.client.Courant;
import io.courant.topic.TopicDescription;
import java.util.ArrayList;
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
 * OffsetCommit and OffsetFetch v10+), and the ids of topic names for their answers. Read from the
 * topic controller again when an unknown id or name is asked for.
 */
final class TopicCatalog {
  private final Courant courant;
  private volatile Map<Uuid, TopicDescription> byId = Map.of();
  private volatile Map<String, TopicDescription> byName = Map.of();
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

  /** The topic of this name from the cache, if it is there. */
  Optional<TopicDescription> cached(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The topic with this id, reading the controller's list again if it is not cached. */
  CompletionStage<Optional<TopicDescription>> byId(Uuid id) {
    TopicDescription t = byId.get(id);
    if (t != null) {
      return CompletableFuture.completedFuture(Optional.of(t));
    }
    return reload().thenApply(m -> Optional.ofNullable(m.get(id)));
  }

  /**
   * The topic names of a request's entries, each given by id (non-null {@code ids} entry) or by
   * name; null where an id is unknown.
   */
  CompletionStage<List<String>> names(List<Uuid> ids, List<String> names) {
    List<CompletionStage<String>> found = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Uuid id = ids.get(i);
      found.add(id == null ? CompletableFuture.completedFuture(names.get(i))
          : byId(id).thenApply(t -> t.map(TopicDescription::name).orElse(null)));
    }
    return Futures.all(found);
  }

  /** The topic of this name, reading the controller's list again if it is not cached. */
  CompletionStage<Optional<TopicDescription>> byName(String name) {
    TopicDescription t = byName.get(name);
    if (t != null) {
      return CompletableFuture.completedFuture(Optional.of(t));
    }
    return reload().thenApply(m -> Optional.ofNullable(byName.get(name)));
  }

  /** Remembers the topics read elsewhere (Metadata answers): they are all there are. */
  void remember(List<TopicDescription> topics) {
    Map<Uuid, TopicDescription> ids = new HashMap<>();
    Map<String, TopicDescription> names = new HashMap<>();
    topics.forEach(t -> {
      ids.put(kafkaId(t.topicId()), t);
      names.put(t.name(), t);
    });
    byId = Map.copyOf(ids);
    byName = Map.copyOf(names);
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
        remember(topics);
        f.complete(byId);
      }
    });
    return f;
  }
}
