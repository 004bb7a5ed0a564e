package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import java.util.function.BiFunction;

/**
 * A serde built on other serdes that may be the application's defaults (null until a task knows
 * them): the task resolves it before use.
 */
public interface DeferredSerde {
  /**
   * @param resolver a given serde (or null) and whether it is a key serde → the serde to use
   * @return the serde with its parts resolved
   */
  Serde<?> resolve(BiFunction<Serde<?>, Boolean, Serde<Object>> resolver);
}
