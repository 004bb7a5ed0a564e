package io.courant.client;

import io.courant.ErrorCode;

/** The group id is empty or otherwise not allowed. */
public class InvalidGroupIdException extends CourantException {
  public InvalidGroupIdException(String message) {
    super(ErrorCode.INVALID_GROUP_ID, message);
  }
}
