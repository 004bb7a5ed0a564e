package io.courant.stream.dsl;

/**
 * A table with a full copy on every instance, read from all partitions of its topic ({@link
 * StreamsBuilder#globalTable}); streams join it by any key they compute, without co-partitioning
 * ({@link KStream#join(GlobalKTable, KeyValueMapper, ValueJoiner)}). Its store is rebuilt from the
 * topic at start, so it is not event-sourced with the task stores.
 *
 * <pre>{@code
 * GlobalKTable<String, Product> products = builder.globalTable("products", Consumed.with(Serdes.String(), Serdes.Json(Product.class)));
 * orders.join(products, (orderId, o) -> o.productId(), (o, p) -> o.qty() + " x " + p.name());
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GlobalKTable<K, V> {
  private final String storeName;

  GlobalKTable(String storeName) {
    this.storeName = storeName;
  }

  /**
   * The name of the store holding the table.
   *
   * @return the store name
   */
  public String queryableStoreName() {
    return storeName;
  }

  String storeName() {
    return storeName;
  }
}
