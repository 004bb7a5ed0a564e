package io.courant.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The HTTP server's settings ({@code courant.http}, documented in {@code conf/courant/http.conf}).
 *
 * @param iface the address the server binds to
 * @param port its port (0: any free port)
 * @param maxRequestBytes the largest request body accepted (larger ones get 413)
 * @param requestBodyTimeout how long a request may take to send its body
 * @param clusterId the cluster id of the v3 admin API's paths
 * @param instanceTimeout how long an idle consumer instance lives
 * @param defaultPollTimeout a poll's wait when the request gives none
 * @param maxPollTimeout the longest wait a poll may ask for
 * @param defaultMaxBytes a poll's byte budget when the request gives none
 */
public record HttpSettings(String iface, int port, long maxRequestBytes, Duration requestBodyTimeout, String clusterId,
    Duration instanceTimeout, Duration defaultPollTimeout, Duration maxPollTimeout, long defaultMaxBytes) {

  /** The dispatcher consumer instances run on (their Java consumers block). */
  public static final String CONSUMER_DISPATCHER = "courant.http.consumer-dispatcher";

  public HttpSettings {
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("courant.http.max-request-bytes must be > 0, not " + maxRequestBytes);
    }
    if (clusterId.isBlank()) {
      throw new IllegalArgumentException("courant.http.cluster-id must not be empty");
    }
  }

  /** Reads {@code courant.http}. */
  public static HttpSettings create(Config http) {
    return new HttpSettings(http.getString("interface"), http.getInt("port"), http.getBytes("max-request-bytes"),
        http.getDuration("request-body-timeout"), http.getString("cluster-id"),
        http.getDuration("consumer.instance-timeout"), http.getDuration("consumer.default-poll-timeout"),
        http.getDuration("consumer.max-poll-timeout"), http.getBytes("consumer.default-max-bytes"));
  }
}
