package io.courant.client;

import io.courant.ErrorCode;

/** The operation needs an empty group (no active members): delete, offset reset. */
public class GroupNotEmptyException extends CourantException {
  public GroupNotEmptyException(String message) {
    super(ErrorCode.NON_EMPTY_GROUP, message);
  }
}
