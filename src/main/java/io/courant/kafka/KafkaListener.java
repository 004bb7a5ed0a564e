package io.courant.kafka;

import io.courant.client.Courant;
import io.courant.kafka.internal.KafkaServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * The node's Kafka wire protocol listener: Kafka clients and tools (kafka-clients, librdkafka/kcat,
 * kafkajs) connect to it and produce, fetch, join groups and administer topics on the same
 * partitions and group coordinators as the Java API. See {@code docs/kafka-protocol.md} for the
 * APIs and versions served.
 *
 * <pre>{@code
 * KafkaListener kafka = KafkaListener.start(system, KafkaSettings.create(config.getConfig("courant.kafka")));
 * // bootstrap.servers = 127.0.0.1:<kafka.port()>
 * }</pre>
 */
public final class KafkaListener {
  /** How long {@link #start} waits for the bind. */
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  private final Tcp.ServerBinding binding;

  private KafkaListener(Tcp.ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the listener and unbinds it when the actor system shuts down.
   *
   * @throws IllegalStateException if the port cannot be bound within 30 s (e.g. it is in use)
   */
  public static KafkaListener start(ActorSystem<?> system, KafkaSettings settings) {
    Tcp.ServerBinding binding;
    try {
      binding = KafkaServer.bind(system, Courant.get(system), settings).toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot bind the Kafka listener to " + settings.iface() + ":" + settings.port(), e);
    }
    KafkaListener listener = new KafkaListener(binding);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "courant-kafka-unbind",
        () -> listener.stop());
    return listener;
  }

  /** The address the listener is bound to. */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The port the listener is bound to. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** Stops accepting connections (open ones stay until the system stops). */
  public CompletionStage<Done> stop() {
    return binding.unbind().thenApply(v -> Done.getInstance());
  }
}
