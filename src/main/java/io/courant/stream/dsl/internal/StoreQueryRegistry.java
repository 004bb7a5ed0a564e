package io.courant.stream.dsl.internal;

import io.courant.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The streams applications whose stores this node can answer HTTP queries for, and the way to the
 * nodes that can answer for the others. Only an application's instances know its stores and serdes,
 * so each started {@code CourantStreams} registers here; the first one of an application on a node
 * also registers an actor with the cluster's receptionist under {@code courant-streams-<application.id>}.
 * A query for an application with no instance on this node is forwarded to such an actor on another
 * node, which answers it through its instance (the data itself is read from the store partition's
 * entity wherever it runs, as the Java API reads it).
 */
public final class StoreQueryRegistry implements Extension {
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETIRE_AFTER = Duration.ofSeconds(30);
  private static final AtomicInteger ACTORS = new AtomicInteger();

  /** What a query asks. */
  public enum Kind { STORES, GET, RANGE, FETCH, FETCH_ALL }

  /**
   * A store query with its arguments as text (keys as the HTTP API writes them; times in epoch ms).
   *
   * @param key the key (GET, FETCH), or null
   * @param from the first key (RANGE), or null for unbounded
   * @param to the last key (RANGE), or null for unbounded
   */
  public record StoreQuery(String applicationId, Kind kind, String store, String key, String from, String to, long timeFrom,
      long timeTo) implements CborSerializable {}

  /** The answer: an HTTP status, an error code (0 on success) and a JSON body (the result, or the error message as a JSON string). */
  public record StoreAnswer(int status, int errorCode, String json, String answeredBy) implements CborSerializable {
    public static StoreAnswer ok(String json) {
      return new StoreAnswer(200, 0, json, null);
    }

    public static StoreAnswer error(int status, int errorCode, String message) {
      return new StoreAnswer(status, errorCode, io.courant.stream.dsl.internal.TextCodec.quote(message), null);
    }

    StoreAnswer by(String node) {
      return new StoreAnswer(status, errorCode, json, node);
    }
  }

  /** An application instance on this node that answers queries. */
  @FunctionalInterface
  public interface Answerer {
    CompletionStage<StoreAnswer> answer(StoreQuery query);
  }

  /** The forwarding actor's one command. */
  public record Ask(StoreQuery query, ActorRef<StoreAnswer> replyTo) implements CborSerializable {}

  private static final ExtensionId<StoreQueryRegistry> ID = new ExtensionId<>() {
    @Override
    public StoreQueryRegistry createExtension(ActorSystem<?> system) {
      return new StoreQueryRegistry(system);
    }
  };

  private final ActorSystem<?> system;
  private final String self;
  private final Map<String, List<Answerer>> local = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<Ask>> actors = new ConcurrentHashMap<>();

  private StoreQueryRegistry(ActorSystem<?> system) {
    this.system = system;
    this.self = system.address().toString();
  }

  public static StoreQueryRegistry get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  static ServiceKey<Ask> serviceKey(String applicationId) {
    return ServiceKey.create(Ask.class, "courant-streams-" + applicationId);
  }

  /** Registers a running instance of {@code applicationId} on this node. */
  public synchronized void register(String applicationId, Answerer answerer) {
    local.computeIfAbsent(applicationId, a -> new CopyOnWriteArrayList<>()).add(answerer);
    actors.computeIfAbsent(applicationId, a -> {
      ActorRef<Ask> ref = system.systemActorOf(forwardTarget(a), "courant-streams-queries-" + ACTORS.incrementAndGet(), Props.empty());
      system.receptionist().tell(Receptionist.register(serviceKey(a), ref));
      return ref;
    });
  }

  /** Removes an instance; the node stops answering for the application when its last instance here is gone. */
  public synchronized void unregister(String applicationId, Answerer answerer) {
    List<Answerer> list = local.get(applicationId);
    if (list == null) {
      return;
    }
    list.remove(answerer);
    if (list.isEmpty()) {
      local.remove(applicationId);
      ActorRef<Ask> ref = actors.remove(applicationId);
      if (ref != null) {
        // other nodes learn of the deregistration by gossip: until then the actor answers 404 rather than leave them waiting
        system.receptionist().tell(Receptionist.deregister(serviceKey(applicationId), ref));
        system.scheduler().scheduleOnce(RETIRE_AFTER, () -> system.classicSystem().stop(Adapter.toClassic(ref)), system.executionContext());
      }
    }
  }

  /** Answers here if an instance runs on this node, else forwards to a node that has one, else 404. */
  public CompletionStage<StoreAnswer> query(StoreQuery query) {
    CompletionStage<StoreAnswer> here = answerHere(query);
    if (here != null) {
      return here;
    }
    ServiceKey<Ask> key = serviceKey(query.applicationId());
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(), r -> Receptionist.find(key, r),
            FORWARD_TIMEOUT, system.scheduler())
        .thenCompose(listing -> {
          var targets = listing.getServiceInstances(key);
          if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(StoreAnswer.error(404, 40410, "no instance of streams application '"
                + query.applicationId() + "' is running on, or registered with, any node of the cluster"));
          }
          ActorRef<Ask> target = targets.iterator().next();
          return AskPattern.<Ask, StoreAnswer>ask(target, r -> new Ask(query, r), FORWARD_TIMEOUT, system.scheduler());
        });
  }

  private CompletionStage<StoreAnswer> answerHere(StoreQuery query) {
    List<Answerer> list = local.get(query.applicationId());
    if (list == null || list.isEmpty()) {
      return null;
    }
    CompletionStage<StoreAnswer> answer;
    try {
      answer = list.get(0).answer(query);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.exceptionally(StoreQueryRegistry::failure).thenApply(a -> a.by(self));
  }

  private static StoreAnswer failure(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof java.util.concurrent.TimeoutException || t instanceof org.apache.pekko.pattern.AskTimeoutException) {
      return StoreAnswer.error(503, 503, "no reply in time from the store partition (is Cassandra reachable?): " + t.getMessage());
    }
    return StoreAnswer.error(500, 500, t.getClass().getSimpleName() + ": " + t.getMessage());
  }

  /** The actor other nodes forward an application's queries to. */
  private Behavior<Ask> forwardTarget(String applicationId) {
    return Behaviors.receive(Ask.class).onMessage(Ask.class, ask -> {
      CompletionStage<StoreAnswer> answer = answerHere(ask.query());
      (answer != null ? answer : CompletableFuture.completedFuture(StoreAnswer.error(404, 40410,
          "streams application '" + applicationId + "' stopped on this node")))
          .thenAccept(ask.replyTo()::tell);
      return Behaviors.same();
    }).build();
  }
}
