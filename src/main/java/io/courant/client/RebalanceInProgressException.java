package io.courant.client;

import io.courant.ErrorCode;

/** The group is rebalancing: the request must wait for the consumer to rejoin. */
public class RebalanceInProgressException extends CourantException {
  public RebalanceInProgressException(String message) {
    super(ErrorCode.REBALANCE_IN_PROGRESS, message);
  }
}
