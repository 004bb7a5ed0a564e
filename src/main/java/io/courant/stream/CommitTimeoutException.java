package io.courant.stream;

import io.courant.client.TimeoutException;

/**
 * A commit was not confirmed by the group coordinator within {@code courant.consumer.commit-timeout}.
 * Retriable: the offsets may or may not be stored; committing them again (or later ones) is safe.
 */
public class CommitTimeoutException extends TimeoutException {
  public CommitTimeoutException(String message) {
    super(message);
  }
}
