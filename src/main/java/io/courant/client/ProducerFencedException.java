package io.courant.client;

import io.courant.ErrorCode;

/** An idempotent producer's epoch is older than the partition's: a newer instance of it has taken over. */
public class ProducerFencedException extends CourantException {
  public ProducerFencedException(String message) {
    super(ErrorCode.INVALID_PRODUCER_EPOCH, message);
  }
}
