package io.courant.kafka.internal;

import io.courant.client.Courant;
import io.courant.kafka.KafkaSettings;
import io.courant.topic.TopicSettings;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The TCP side of the Kafka listener: each connection is a stream of length-prefixed frames
 * (4-byte big-endian size), answered by {@link KafkaApis} with at most {@code
 * max-in-flight-per-connection} requests at a time and the responses in request order. A frame
 * larger than {@code max-frame-bytes}, or a request Kafka's broker would not answer, closes that
 * connection only.
 */
public final class KafkaServer {
  private KafkaServer() {}

  /** Binds the listener; the stage completes with the bound address. */
  public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, Courant courant, KafkaSettings settings) {
    Materializer mat = Materializer.matFromSystem(system);
    TopicSettings topicSettings = TopicSettings.create(system.settings().config().getConfig("courant.topic"));
    CompletableFuture<KafkaApis> apis = new CompletableFuture<>();
    CompletionStage<Tcp.ServerBinding> binding = Tcp.get(system).bind(settings.iface(), settings.port())
        .to(Sink.foreach(connection -> connection.handleWith(
            connectionFlow(system, apis, settings, new ConnectionContext(connection.remoteAddress().getHostString())), mat)))
        .run(mat);
    return binding.thenApply(b -> {
      ClusterBrokers brokers = ClusterBrokers.start(system, advertised(system, settings, b.localAddress()), settings.leaderRefresh());
      ClusterNodes.get(system).listening(brokers);
      apis.complete(new KafkaApis(system, courant, settings, brokers, topicSettings));
      return b;
    });
  }

  private static Brokers.Broker advertised(ActorSystem<?> system, KafkaSettings settings, InetSocketAddress bound) {
    String host = settings.advertisedHost().isEmpty() ? settings.iface() : settings.advertisedHost();
    int port = settings.advertisedPort() == 0 ? bound.getPort() : settings.advertisedPort();
    int nodeId = settings.nodeId() == KafkaSettings.AUTO_NODE_ID
        ? ClusterBrokers.derivedNodeId(org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address())
        : settings.nodeId();
    return new Brokers.Broker(nodeId, host, port);
  }

  private static Flow<ByteString, ByteString, NotUsed> connectionFlow(ActorSystem<?> system, CompletionStage<KafkaApis> apis,
      KafkaSettings settings, ConnectionContext context) {
    return Flow.of(ByteString.class)
        .via(Framing.lengthField(4, 0, settings.maxFrameBytes() + 4, ByteOrder.BIG_ENDIAN))
        .mapAsync(settings.maxInFlightPerConnection(), frame -> {
          byte[] bytes = frame.toArray();
          ByteBuffer body = ByteBuffer.wrap(bytes, 4, bytes.length - 4).slice();
          return apis.thenCompose(a -> a.handle(body, context));
        })
        .mapConcat(KafkaServer::frames)
        .watchTermination((mat, done) -> {
          done.whenComplete((d, failure) -> {
            if (failure != null) {
              system.log().debug("Kafka connection from {} closed: {}", context.remoteHost(), failure.getMessage());
            }
          });
          return NotUsed.getInstance();
        });
  }

  private static List<ByteString> frames(Optional<ByteBuffer> response) {
    return response.map(b -> List.of(ByteString.fromArrayUnsafe(b.array(), 0, b.limit()))).orElse(List.of());
  }
}
