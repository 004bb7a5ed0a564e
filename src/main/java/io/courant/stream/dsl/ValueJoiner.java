package io.courant.stream.dsl;

/**
 * Combines the values of two joined records; in left and outer joins the missing side is null.
 *
 * <pre>{@code
 * orders.leftJoin(customers, (order, customer) -> new Enriched(order, customer));   // customer is null when absent
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface ValueJoiner<V1, V2, VR> {
  /**
   * Joins two values.
   *
   * @param value1 this side's value (null in an outer join when unmatched)
   * @param value2 the other side's value (null in a left or outer join when unmatched)
   * @return the joined value
   */
  VR apply(V1 value1, V2 value2);
}
