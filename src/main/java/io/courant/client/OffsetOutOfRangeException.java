package io.courant.client;

import io.courant.ErrorCode;

/** The requested offset is before the log start or after the log end; the message says the valid range. */
public class OffsetOutOfRangeException extends CourantException {
  public OffsetOutOfRangeException(String message) {
    super(ErrorCode.OFFSET_OUT_OF_RANGE, message);
  }
}
