package io.courant.client;

import io.courant.ErrorCode;

/** No answer came in time, or the partition is overloaded; retry. */
public class TimeoutException extends RetriableException {
  public TimeoutException(String message) {
    super(ErrorCode.REQUEST_TIMED_OUT, message);
  }
}
