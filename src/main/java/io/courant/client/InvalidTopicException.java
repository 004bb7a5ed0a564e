package io.courant.client;

import io.courant.ErrorCode;

/** The topic name breaks Kafka's naming rules (the message says which). */
public class InvalidTopicException extends CourantException {
  public InvalidTopicException(String message) {
    super(ErrorCode.INVALID_TOPIC_EXCEPTION, message);
  }
}
