package io.courant.client;

import io.courant.ErrorCode;

/** A record batch is larger than the topic's {@code max.message.bytes}; nothing was written. */
public class RecordTooLargeException extends CourantException {
  public RecordTooLargeException(ErrorCode code, String message) {
    super(code, message);
  }
}
