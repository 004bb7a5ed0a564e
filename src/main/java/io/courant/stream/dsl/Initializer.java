package io.courant.stream.dsl;

/**
 * The initial aggregate of a new key or window ({@link KGroupedStream#aggregate}).
 *
 * <pre>{@code
 * KTable<String, Stats> stats = readings.groupByKey().aggregate(Stats::new, (sensor, r, s) -> s.add(r),
 *     Materialized.with(Serdes.String(), Serdes.Json(Stats.class)));
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface Initializer<VA> {
  /**
   * The aggregate before the first record.
   *
   * @return a new initial aggregate
   */
  VA apply();
}
