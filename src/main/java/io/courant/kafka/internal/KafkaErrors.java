package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.CourantException;
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
