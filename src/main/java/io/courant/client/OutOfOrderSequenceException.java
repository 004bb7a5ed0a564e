package io.courant.client;

import io.courant.ErrorCode;

/** An idempotent producer's batch does not follow its previous one (a gap), or mixes stored and new batches. */
public class OutOfOrderSequenceException extends CourantException {
  public OutOfOrderSequenceException(ErrorCode code, String message) {
    super(code, message);
  }
}
