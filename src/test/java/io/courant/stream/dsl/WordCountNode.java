package io.courant.stream.dsl;

import com.typesafe.config.ConfigFactory;
import io.courant.examples.WordCountExample;
import io.courant.node.CourantNode;
import java.util.Arrays;
import java.util.Properties;

/**
 * A Courant node with a word count application embedded in it, as a Pekko application would run
 * one: the child JVM of {@link StreamsProcessCrashTest}, which kills it with {@code kill -9}. The
 * topics and the application id come as system properties ({@code wc.lines}, {@code wc.counts},
 * {@code wc.app}).
 */
public final class WordCountNode {
  private WordCountNode() {}

  public static void main(String[] args) {
    CourantNode node = CourantNode.start(ConfigFactory.load());
    CourantStreams streams = new CourantStreams(
        wordCount(System.getProperty("wc.lines"), System.getProperty("wc.counts"), () -> {}),
        props(System.getProperty("wc.app")), node.system());
    streams.start();
    System.out.println("word count started");
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

  /** The example's settings, committing often so that a crash comes after some state was persisted. */
  static Properties props(String app) {
    Properties props = WordCountExample.props(app);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
    return props;
  }
}
