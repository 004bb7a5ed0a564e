package io.courant.stream.dsl;

import java.util.List;

/**
 * A session store: a value per key and session window {@code [start, end]}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SessionStore<K, V> extends StateStore {
  /** The sessions of {@code key} that end at or after {@code earliestSessionEndTime} and start at or before {@code latestSessionStartTime}. */
  List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEndTime, long latestSessionStartTime);

  /** The value of one session, or null. */
  V fetchSession(K key, long sessionStartTime, long sessionEndTime);

  /** Every session of {@code key}. */
  List<KeyValue<Windowed<K>, V>> fetch(K key);

  /** Stores a session's value (null removes it). */
  void put(Windowed<K> session, V value);

  /** Removes a session. */
  void remove(Windowed<K> session);
}
