package io.courant.client;

import io.courant.ErrorCode;

/** The partition is moving between nodes or restarting; retry. */
public class NotLeaderException extends RetriableException {
  public NotLeaderException(String message) {
    super(ErrorCode.NOT_LEADER_OR_FOLLOWER, message);
  }
}
