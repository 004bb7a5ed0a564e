package io.courant.stream.dsl;

import com.typesafe.config.ConfigFactory;
import io.courant.examples.WordCountExample;
import io.courant.node.CourantNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

/**
 * A Courant node with two applications embedded in it, as a Pekko application would run them — a
 * word count and a windowed count of page views: the child JVM of {@link StreamsProcessCrashTest},
 * which kills it with {@code kill -9}. Topics and application ids come as system properties
 * ({@code wc.lines}, {@code wc.counts}, {@code wc.app}, {@code wc.views}, {@code wc.views-app}).
 */
public final class WordCountNode {
  private WordCountNode() {}

  public static void main(String[] args) {
    CourantNode node = CourantNode.start(ConfigFactory.load());
    CourantStreams streams = new CourantStreams(
        wordCount(System.getProperty("wc.lines"), System.getProperty("wc.counts"), () -> {}),
        props(System.getProperty("wc.app")), node.system());
    streams.start();
    CourantStreams views = new CourantStreams(windowedCount(System.getProperty("wc.views"), () -> {}),
        props(System.getProperty("wc.views-app")), node.system());
    views.start();
    System.out.println("word count and windowed count started");
    node.system().getWhenTerminated().toCompletableFuture().join();
  }

  /** Lines to word counts, {@code beforeEach} run for each line (a test injects failures there). */
  static Topology wordCount(String lines, String counts, Runnable beforeEach) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(lines, Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> beforeEach.run())
        .flatMapValues(line -> Arrays.asList(line.split(" ")))
        .groupBy((key, word) -> word)
        .count(Materialized.as("word-counts"))
        .toStream()
        .to(counts, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  /** Views per page and minute (tumbling windows, an hour of grace), in store views-per-minute. */
  static Topology windowedCount(String views, Runnable beforeEach) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(views, Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> beforeEach.run())
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofHours(1)))
        .count(Materialized.as("views-per-minute"));
    return builder.build();
  }

  /** The example's settings, committing often so that a crash comes after some state was persisted. */
  static Properties props(String app) {
    Properties props = WordCountExample.props(app);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
    return props;
  }
}
