package io.courant.client;

import com.typesafe.config.Config;
import io.courant.log.Partition.Acks;
import io.courant.log.internal.kafka.RecordBatches;
import java.time.Duration;

/**
 * Settings of the Java API, read once from {@code courant.client}; Kafka's producer key names
 * where Kafka has one.
 *
 * @param acks default {@code acks} for sends
 * @param compressionType {@code compression.type} of the batches the API builds
 * @param requestTimeout {@code request.timeout.ms}: how long to wait for a reply
 * @param metadataMaxAge {@code metadata.max.age.ms}: how long topic metadata is cached
 * @param resendAfter how long an append of idempotent batches waits for its partition's answer
 *     before it is sent again, within {@code requestTimeout}
 */
public record ClientSettings(Acks acks, String compressionType, Duration requestTimeout, Duration metadataMaxAge,
    Duration resendAfter) {
  public ClientSettings {
    if (resendAfter.isNegative() || resendAfter.isZero()) {
      throw new IllegalArgumentException("courant.client.resend-after must be positive, not " + resendAfter);
    }
    if (!RecordBatches.COMPRESSION_TYPES.contains(compressionType)) {
      throw new IllegalArgumentException("courant.client.\"compression.type\" must be one of "
          + RecordBatches.COMPRESSION_TYPES + ", not '" + compressionType + "'");
    }
  }

  public static ClientSettings create(Config courantClient) {
    return new ClientSettings(
        Acks.parse(courantClient.getString("\"acks\"")),
        courantClient.getString("\"compression.type\""),
        courantClient.getDuration("\"request.timeout.ms\""),
        courantClient.getDuration("\"metadata.max.age.ms\""),
        courantClient.getDuration("resend-after"));
  }
}
