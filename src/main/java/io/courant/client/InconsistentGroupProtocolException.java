package io.courant.client;

import io.courant.ErrorCode;

/** The member offers no assignment protocol (or protocol type) that the group's members all support. */
public class InconsistentGroupProtocolException extends CourantException {
  public InconsistentGroupProtocolException(String message) {
    super(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, message);
  }
}
