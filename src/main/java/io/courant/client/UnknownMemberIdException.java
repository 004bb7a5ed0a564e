package io.courant.client;

import io.courant.ErrorCode;

/** The member is not (or no longer) in the group: rejoin. */
public class UnknownMemberIdException extends CourantException {
  public UnknownMemberIdException(String message) {
    super(ErrorCode.UNKNOWN_MEMBER_ID, message);
  }
}
