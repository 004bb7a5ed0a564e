package io.courant.stream.dsl;

import java.util.List;

/**
 * A session store: a value per key and session window {@code [start, end]}.
 *
 * <pre>{@code
 * SessionStore<String, Long> sessions = driver.getSessionStore("visits");
 * List<KeyValue<Windowed<String>, Long>> alice = sessions.fetch("alice");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SessionStore<K, V> extends StateStore {
  /**
   * The sessions of {@code key} that end at or after {@code earliestSessionEndTime} and start at or before {@code latestSessionStartTime}.
   *
   * @param key the key
   * @param earliestSessionEndTime sessions ending before this are left out
   * @param latestSessionStartTime sessions starting after this are left out
   * @return the sessions as (windowed key, value), oldest first
   */
  List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEndTime, long latestSessionStartTime);

  /**
   * The value of one session, or null.
   *
   * @param key the key
   * @param sessionStartTime the session start (epoch ms)
   * @param sessionEndTime the session end (epoch ms)
   * @return the session's value, or null
   */
  V fetchSession(K key, long sessionStartTime, long sessionEndTime);

  /**
   * Every session of {@code key}.
   *
   * @param key the key
   * @return the sessions as (windowed key, value), oldest first
   */
  List<KeyValue<Windowed<K>, V>> fetch(K key);

  /**
   * Stores a session's value (null removes it).
   *
   * @param session the session (key and window)
   * @param value the value
   */
  void put(Windowed<K> session, V value);

  /**
   * Removes a session.
   *
   * @param session the session (key and window)
   */
  void remove(Windowed<K> session);
}
