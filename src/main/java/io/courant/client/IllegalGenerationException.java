package io.courant.client;

import io.courant.ErrorCode;

/** The member's generation is not the group's current one: a rebalance happened; rejoin. */
public class IllegalGenerationException extends CourantException {
  public IllegalGenerationException(String message) {
    super(ErrorCode.ILLEGAL_GENERATION, message);
  }
}
