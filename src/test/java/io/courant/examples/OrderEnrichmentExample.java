package io.courant.examples;

import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.node.CourantNode;
import io.courant.stream.dsl.Consumed;
import io.courant.stream.dsl.CourantStreams;
import io.courant.stream.dsl.KStream;
import io.courant.stream.dsl.KTable;
import io.courant.stream.dsl.Materialized;
import io.courant.stream.dsl.Produced;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StreamsBuilder;
import io.courant.stream.dsl.Topology;

/**
 * Orders enriched with their customer: orders (JSON, keyed by order id) are re-keyed by customer
 * id (a repartition), joined with the customers table (JSON, keyed by customer id, queryable as
 * "customers"), and written as enriched orders. An order whose customer is not known yet is
 * written with a null customer (a left join).
 */
public final class OrderEnrichmentExample {
  private OrderEnrichmentExample() {}

  public record Order(String id, String customerId, int qty) {}

  public record Customer(String id, String name, String country) {}

  public record EnrichedOrder(String orderId, int qty, Customer customer) {}

  public static Topology topology(String orders, String customers, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Customer> customerTable = builder.table(customers, Consumed.with(Serdes.String(), Serdes.Json(Customer.class)),
        Materialized.<String, Customer>as("customers").withKeySerde(Serdes.String()).withValueSerde(Serdes.Json(Customer.class)));
    KStream<String, Order> orderStream = builder.stream(orders, Consumed.with(Serdes.String(), Serdes.Json(Order.class)));
    orderStream.selectKey((orderId, order) -> order.customerId())
        .leftJoin(customerTable, (order, customer) -> new EnrichedOrder(order.id(), order.qty(), customer),
            io.courant.stream.dsl.Joined.with(Serdes.String(), Serdes.Json(Order.class), Serdes.Json(Customer.class)))
        .to(output, Produced.with(Serdes.String(), Serdes.Json(EnrichedOrder.class)));
    return builder.build();
  }

  public static void main(String[] args) {
    CourantNode node = CourantNode.start(ConfigFactory.load());
    Examples.createTopics(node, new NewTopic("orders", 4), new NewTopic("customers", 4), new NewTopic("enriched-orders", 4));
    CourantStreams streams = new CourantStreams(topology("orders", "customers", "enriched-orders"),
        WordCountExample.props("order-enrichment"), node.system());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      node.close();
    }));
    streams.start();
  }
}
