package io.courant.client;

import io.courant.ErrorCode;

/** An error that may go away if the same request is sent again (after a short wait). */
public class RetriableException extends CourantException {
  public RetriableException(ErrorCode code, String message) {
    super(code, message);
  }
}
