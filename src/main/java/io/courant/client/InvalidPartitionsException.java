package io.courant.client;

import io.courant.ErrorCode;

/** A partition count is out of the allowed range. */
public class InvalidPartitionsException extends CourantException {
  public InvalidPartitionsException(String message) {
    super(ErrorCode.INVALID_PARTITIONS, message);
  }
}
