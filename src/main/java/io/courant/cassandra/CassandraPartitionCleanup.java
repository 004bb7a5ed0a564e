package io.courant.cassandra;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import scala.jdk.javaapi.FutureConverters;

/**
 * Deletes a deleted topic's partition data (journal events, metadata and snapshots) from Cassandra
 * with pekko-persistence-cassandra's cleanup tool ({@code courant.topic.data-deleter = cassandra}).
 */
public final class CassandraPartitionCleanup implements Function<String, CompletionStage<Done>> {
  private final Cleanup cleanup;

  public CassandraPartitionCleanup(ActorSystem<?> system) {
    this.cleanup = new Cleanup(system);
  }

  @Override
  public CompletionStage<Done> apply(String persistenceId) {
    // Topic ids are never reused, so the persistence id is never used again either.
    return FutureConverters.asJava(cleanup.deleteAll(persistenceId, true));
  }
}
