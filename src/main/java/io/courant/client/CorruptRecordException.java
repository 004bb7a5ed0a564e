package io.courant.client;

import io.courant.ErrorCode;

/** A record batch failed its CRC check or is malformed; nothing was written. Retriable as in Kafka: corruption in transit goes away when sent again. */
public class CorruptRecordException extends RetriableException {
  public CorruptRecordException(String message) {
    super(ErrorCode.CORRUPT_MESSAGE, message);
  }
}
