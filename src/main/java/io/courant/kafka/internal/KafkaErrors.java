package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.CourantException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Courant's errors as Kafka error codes. The numbers come from {@link ErrorCode}, the one mapping
 * table; this only finds the {@code ErrorCode} of a failure.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  static final short NONE = 0;

  static short code(ErrorCode code) {
    return (short) code.kafkaCode();
  }

  /** The error a failed stage carries: a Courant error's code, else UNKNOWN_SERVER_ERROR. */
  static ErrorCode of(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof CourantException c) {
      return c.code();
    }
    if (t instanceof IllegalArgumentException) {
      return ErrorCode.INVALID_REQUEST;
    }
    return ErrorCode.UNKNOWN_SERVER_ERROR;
  }

  /** What Kafka's consumer accepts in a Fetch answer's partition; on any other code it throws IllegalStateException. */
  private static final Set<ErrorCode> FETCH_ERRORS = EnumSet.of(ErrorCode.OFFSET_OUT_OF_RANGE,
      ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.NOT_LEADER_OR_FOLLOWER,
      ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.UNKNOWN_SERVER_ERROR);

  /**
   * A partition that cannot answer now (it did not answer in time: starting, moving to another
   * node, its node unreachable) as Kafka's clients expect it in a read: NOT_LEADER_OR_FOLLOWER, so
   * that they refresh their metadata and ask again. Other codes stay.
   */
  static ErrorCode forListOffsets(ErrorCode code) {
    return switch (code) {
      case REQUEST_TIMED_OUT, LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS, COORDINATOR_NOT_AVAILABLE -> ErrorCode.NOT_LEADER_OR_FOLLOWER;
      default -> code;
    };
  }

  /**
   * The error of one partition of a Fetch answer. Kafka's consumer accepts only a few codes there
   * (its {@code FetchCollector} throws IllegalStateException on any other, which ends the
   * application's poll loop): a partition that cannot answer now is NOT_LEADER_OR_FOLLOWER (see
   * {@link #forListOffsets}), any other code it does not know UNKNOWN_SERVER_ERROR, which it logs and
   * retries.
   */
  static ErrorCode forFetch(ErrorCode code) {
    ErrorCode read = forListOffsets(code);
    return FETCH_ERRORS.contains(read) ? read : ErrorCode.UNKNOWN_SERVER_ERROR;
  }

  static short codeOf(Throwable failure) {
    return code(of(failure));
  }

  static String message(Throwable failure) {
    Throwable t = unwrap(failure);
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
