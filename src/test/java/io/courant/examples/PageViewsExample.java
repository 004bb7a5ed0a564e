package io.courant.examples;

import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.node.CourantNode;
import io.courant.stream.dsl.Consumed;
import io.courant.stream.dsl.CourantStreams;
import io.courant.stream.dsl.Materialized;
import io.courant.stream.dsl.Produced;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StreamsBuilder;
import io.courant.stream.dsl.Suppressed;
import io.courant.stream.dsl.TimeWindows;
import io.courant.stream.dsl.Topology;
import java.time.Duration;

/**
 * Windowed page views: views (key = page, value = user, event time = the record's timestamp)
 * counted per page and minute, accepting views up to 10 seconds late; the queryable window store
 * "views-per-minute" has the running counts, the topic gets each minute's final count once the
 * minute closed ({@code suppress(untilWindowCloses)}), keyed "page@windowStart".
 */
public final class PageViewsExample {
  private PageViewsExample() {}

  public static Topology topology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
        .count(Materialized.as("views-per-minute"))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream((window, count) -> window.key() + "@" + window.window().start())
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  public static void main(String[] args) {
    CourantNode node = CourantNode.start(ConfigFactory.load());
    Examples.createTopics(node, new NewTopic("page-views", 4), new NewTopic("page-views-per-minute", 4));
    CourantStreams streams = new CourantStreams(topology("page-views", "page-views-per-minute"),
        WordCountExample.props("page-views"), node.system());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      node.close();
    }));
    streams.start();
  }
}
