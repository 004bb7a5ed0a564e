package io.courant.client;

import io.courant.ErrorCode;

/** The topic or partition does not exist (yet, or any more). Retriable: a topic being created becomes visible shortly. */
public class UnknownTopicOrPartitionException extends RetriableException {
  public UnknownTopicOrPartitionException(ErrorCode code, String message) {
    super(code, message);
  }
}
