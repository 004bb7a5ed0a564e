package io.courant.client;

import io.courant.ErrorCode;

/** A topic with this name already exists. */
public class TopicExistsException extends CourantException {
  public TopicExistsException(String message) {
    super(ErrorCode.TOPIC_ALREADY_EXISTS, message);
  }
}
