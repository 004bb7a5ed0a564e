package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.Aggregations;
import java.util.Objects;

/**
 * A cogrouped stream windowed by {@link SessionWindows} ({@link
 * CogroupedKStream#windowedBy(SessionWindows)}), as Kafka Streams' {@code
 * SessionWindowedCogroupedKStream}: one aggregate per key and session, each input folding its
 * records in with its own aggregator, into one session store. A record from any input extends or
 * merges the key's sessions; merged-away sessions are emitted as deletes (null values). Stateful;
 * inputs whose key changed are repartitioned first; late records are dropped and counted.
 *
 * <pre>{@code
 * KTable<Windowed<String>, Long> activity = clicks.groupByKey().<Long>cogroup((user, click, n) -> n + 1)
 *     .cogroup(searches.groupByKey(), (user, search, n) -> n + 1)
 *     .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1)))
 *     .aggregate(() -> 0L, (user, a, b) -> a + b, Materialized.<String, Long>as("activity").withValueSerde(Serdes.Long()));
 * }</pre>
 *
 * @param <K> the key type
 * @param <VOut> the aggregate type
 * @see TimeWindowedCogroupedKStream
 * @see SessionWindowedKStream
 */
public final class SessionWindowedCogroupedKStream<K, VOut> {
  private final CogroupedKStream<K, VOut> cogrouped;
  private final SessionWindows windows;

  SessionWindowedCogroupedKStream(CogroupedKStream<K, VOut> cogrouped, SessionWindows windows) {
    this.cogrouped = cogrouped;
    this.windows = windows;
  }

  /**
   * The aggregate per key and session. Stateful.
   *
   * @param initializer the aggregate of a new session before its first record
   * @param sessionMerger combines the aggregates of two sessions a record joins into one
   * @return a table keyed by {@link Windowed} key (its value serde is the default: give one with
   *     {@link #aggregate(Initializer, Merger, Materialized)})
   * @throws NullPointerException if an argument is null
   */
  public KTable<Windowed<K>, VOut> aggregate(Initializer<VOut> initializer, Merger<? super K, VOut> sessionMerger) {
    return aggregate(initializer, sessionMerger, Materialized.with(cogrouped.keySerde(), null));
  }

  /**
   * {@link #aggregate(Initializer, Merger)} into a named session store.
   *
   * @param initializer the aggregate of a new session before its first record
   * @param sessionMerger combines the aggregates of two sessions a record joins into one
   * @param materialized the store's name, serdes and retention (give the aggregate's value serde)
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  public KTable<Windowed<K>, VOut> aggregate(Initializer<VOut> initializer, Merger<? super K, VOut> sessionMerger,
      Materialized<K, VOut> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(sessionMerger, "sessionMerger");
    Objects.requireNonNull(materialized, "materialized");
    var graph = cogrouped.builder().graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("COGROUPKSTREAM-SESSION-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : cogrouped.keySerde();
    String[] parents = cogrouped.wire(store, (i, in) -> Aggregations.session(store, windows, CogroupedKStream.folding(in, initializer),
        sessionMerger));
    graph.addStore(SessionWindowedKStream.sessionStore(store, ks, materialized, windows), parents);
    return SessionWindowedKStream.sessionTable(cogrouped.builder(), cogrouped.merge(parents), store, ks, materialized, windows);
  }
}
