package io.courant.client;

import io.courant.ErrorCode;

/** `session.timeout.ms` is outside the range the group coordinator allows (1 s to 30 min). */
public class InvalidSessionTimeoutException extends CourantException {
  public InvalidSessionTimeoutException(String message) {
    super(ErrorCode.INVALID_SESSION_TIMEOUT, message);
  }
}
