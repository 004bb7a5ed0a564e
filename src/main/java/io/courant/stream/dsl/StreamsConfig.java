package io.courant.stream.dsl;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of a streams application, by Kafka Streams' names, read from {@link Properties}.
 * Serde and extractor settings take an instance, a {@link Class} or a class name (with a public
 * no-argument constructor).
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
 * props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
 * props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
 * }</pre>
 */
public final class StreamsConfig {
  /** The application's id: its consumer group, the prefix of its internal topics and of its stores' persistence ids. Required. */
  public static final String APPLICATION_ID_CONFIG = "application.id";
  /** The serde of keys where the topology gives none. */
  public static final String DEFAULT_KEY_SERDE_CLASS_CONFIG = "default.key.serde";
  /** The serde of values where the topology gives none. */
  public static final String DEFAULT_VALUE_SERDE_CLASS_CONFIG = "default.value.serde";
  /** The {@link TimestampExtractor} of sources that give none (default: the record's timestamp). */
  public static final String DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG = "default.timestamp.extractor";
  /** How often, at most, processed input is committed (outputs flushed, store changes and offsets persisted); default 100 ms. */
  public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
  /** Records per poll of the application's consumer; default 500. */
  public static final String MAX_POLL_RECORDS_CONFIG = "max.poll.records";
  /** Where a new application starts reading its input: {@code earliest} (default) or {@code latest}. */
  public static final String AUTO_OFFSET_RESET_CONFIG = "auto.offset.reset";
  /** The consumer group's session timeout (ms): how soon a crashed instance's partitions move; default 10000. */
  public static final String SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";

  private static final Set<String> KNOWN = Set.of(APPLICATION_ID_CONFIG, DEFAULT_KEY_SERDE_CLASS_CONFIG, DEFAULT_VALUE_SERDE_CLASS_CONFIG,
      DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, COMMIT_INTERVAL_MS_CONFIG, MAX_POLL_RECORDS_CONFIG, AUTO_OFFSET_RESET_CONFIG,
      SESSION_TIMEOUT_MS_CONFIG);

  private final String applicationId;
  private final Serde<?> defaultKeySerde;
  private final Serde<?> defaultValueSerde;
  private final TimestampExtractor timestampExtractor;
  private final long commitIntervalMs;
  private final int maxPollRecords;
  private final String autoOffsetReset;
  private final int sessionTimeoutMs;

  /**
   * Reads and checks the settings.
   *
   * @param props the settings, by Kafka Streams' names
   * @throws IllegalArgumentException naming the setting, if one is unknown, missing or invalid
   */
  public StreamsConfig(Map<?, ?> props) {
    for (Object k : props.keySet()) {
      if (!KNOWN.contains(String.valueOf(k))) {
        throw new IllegalArgumentException("unknown streams setting '" + k + "'; known: " + new java.util.TreeSet<>(KNOWN));
      }
    }
    Object id = props.get(APPLICATION_ID_CONFIG);
    if (id == null || !String.valueOf(id).matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(APPLICATION_ID_CONFIG + " is required: 1-200 characters of [a-zA-Z0-9._-], not " + id);
    }
    this.applicationId = String.valueOf(id);
    this.defaultKeySerde = instance(props.get(DEFAULT_KEY_SERDE_CLASS_CONFIG), Serde.class, DEFAULT_KEY_SERDE_CLASS_CONFIG);
    this.defaultValueSerde = instance(props.get(DEFAULT_VALUE_SERDE_CLASS_CONFIG), Serde.class, DEFAULT_VALUE_SERDE_CLASS_CONFIG);
    this.timestampExtractor = instance(props.get(DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG), TimestampExtractor.class,
        DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG);
    this.commitIntervalMs = number(props, COMMIT_INTERVAL_MS_CONFIG, 100, 0);
    this.maxPollRecords = (int) number(props, MAX_POLL_RECORDS_CONFIG, 500, 1);
    this.sessionTimeoutMs = (int) number(props, SESSION_TIMEOUT_MS_CONFIG, 10_000, 1000);
    Object reset = props.get(AUTO_OFFSET_RESET_CONFIG);
    this.autoOffsetReset = reset == null ? "earliest" : String.valueOf(reset);
    if (!autoOffsetReset.equals("earliest") && !autoOffsetReset.equals("latest")) {
      throw new IllegalArgumentException(AUTO_OFFSET_RESET_CONFIG + " must be earliest or latest, not " + reset);
    }
  }

  private static long number(Map<?, ?> props, String key, long dflt, long min) {
    Object v = props.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(String.valueOf(v));
      if (n < min) {
        throw new IllegalArgumentException(key + " must be >= " + min + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
    }
  }

  private static <T> T instance(Object v, Class<T> type, String key) {
    if (v == null) {
      return null;
    }
    if (type.isInstance(v)) {
      return type.cast(v);
    }
    try {
      Class<?> c = v instanceof Class<?> k ? k : Class.forName(String.valueOf(v));
      if (!type.isAssignableFrom(c)) {
        throw new IllegalArgumentException(key + " must be a " + type.getSimpleName() + ", not " + c.getName());
      }
      return type.cast(c.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(key + ": cannot make a " + type.getSimpleName() + " of " + v + " (" + e + ")", e);
    }
  }

  /**
   * The setting {@code application.id}.
   *
   * @return {@code application.id}
   */
  public String applicationId() {
    return applicationId;
  }

  /**
   * The setting {@code default.key.serde}.
   *
   * @return {@code default.key.serde}, or null
   */
  public Serde<?> defaultKeySerde() {
    return defaultKeySerde;
  }

  /**
   * The setting {@code default.value.serde}.
   *
   * @return {@code default.value.serde}, or null
   */
  public Serde<?> defaultValueSerde() {
    return defaultValueSerde;
  }

  /**
   * The setting {@code default.timestamp.extractor}.
   *
   * @return {@code default.timestamp.extractor}, or null for record timestamps
   */
  public TimestampExtractor defaultTimestampExtractor() {
    return timestampExtractor;
  }

  /**
   * The setting {@code commit.interval.ms}.
   *
   * @return {@code commit.interval.ms}
   */
  public long commitIntervalMs() {
    return commitIntervalMs;
  }

  /**
   * The setting {@code max.poll.records}.
   *
   * @return {@code max.poll.records}
   */
  public int maxPollRecords() {
    return maxPollRecords;
  }

  /**
   * The setting {@code auto.offset.reset}.
   *
   * @return {@code auto.offset.reset}
   */
  public String autoOffsetReset() {
    return autoOffsetReset;
  }

  /**
   * The setting {@code session.timeout.ms}.
   *
   * @return {@code session.timeout.ms}
   */
  public int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }
}
