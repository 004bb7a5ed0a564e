package io.courant.client;

import io.courant.ErrorCode;

/** The journal (Cassandra) failed or is unreachable; the write may or may not be stored. Retry (an idempotent producer retries safely). */
public class StorageException extends RetriableException {
  public StorageException(ErrorCode code, String message) {
    super(code, message);
  }
}
