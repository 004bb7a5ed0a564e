package io.courant.log.internal;

import io.courant.ErrorCode;

/** An appended batch failed validation; nothing of the request is written. */
public final class BatchRejectedException extends RuntimeException {
  private final ErrorCode code;

  public BatchRejectedException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
