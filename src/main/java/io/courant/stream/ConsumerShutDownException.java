package io.courant.stream;

import io.courant.ErrorCode;
import io.courant.client.CourantException;

/**
 * An offset was committed through a source whose consumer is already shut down (after {@code
 * Control.shutdown()}, a stream failure or {@code stop-timeout}). Not retriable through that
 * source: the records will be read again from the last committed offset by the next consumer.
 */
public class ConsumerShutDownException extends CourantException {
  public ConsumerShutDownException(String message) {
    super(ErrorCode.UNKNOWN_MEMBER_ID, message);
  }
}
