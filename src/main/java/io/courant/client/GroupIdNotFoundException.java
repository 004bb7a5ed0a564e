package io.courant.client;

import io.courant.ErrorCode;

/** The consumer group does not exist (no members, no committed offsets). */
public class GroupIdNotFoundException extends CourantException {
  public GroupIdNotFoundException(String message) {
    super(ErrorCode.GROUP_ID_NOT_FOUND, message);
  }
}
