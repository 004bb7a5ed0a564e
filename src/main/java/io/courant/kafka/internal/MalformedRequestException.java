package io.courant.kafka.internal;

/**
 * A request the connection cannot answer (malformed, unknown API key, unsupported version): as
 * Kafka's broker does, the connection is closed without a response.
 */
final class MalformedRequestException extends RuntimeException {
  MalformedRequestException(String message) {
    super(message);
  }

  MalformedRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
