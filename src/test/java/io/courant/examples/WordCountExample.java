package io.courant.examples;

import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.node.CourantNode;
import io.courant.stream.dsl.CourantStreams;
import io.courant.stream.dsl.Grouped;
import io.courant.stream.dsl.Materialized;
import io.courant.stream.dsl.Produced;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StreamsBuilder;
import io.courant.stream.dsl.StreamsConfig;
import io.courant.stream.dsl.Topology;
import java.util.Arrays;
import java.util.Properties;

/**
 * Word count: lines of text in, the running count of every word out (and in the queryable store
 * "word-counts"). Run it on a node with {@code mvn -q test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.courant.examples.WordCountExample}, then produce
 * lines to the topic "text-lines" (for example with kcat) and read "word-counts".
 */
public final class WordCountExample {
  private WordCountExample() {}

  /** The topology: split lines into words, repartition by word, count. */
  public static Topology topology(String input, String output) {
    return builder(input, output).build();
  }

  /** The builder of {@link #topology}, to add more to it. */
  public static StreamsBuilder builder(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, io.courant.stream.dsl.Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase().split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.as("word-counts"))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder;
  }

  public static Properties props(String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    return props;
  }

  public static void main(String[] args) {
    CourantNode node = CourantNode.start(ConfigFactory.load());
    Examples.createTopics(node, new NewTopic("text-lines", 4), new NewTopic("word-counts", 4));
    CourantStreams streams = new CourantStreams(topology("text-lines", "word-counts"), props("word-count"), node.system());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      node.close();
    }));
    streams.start();
  }
}
