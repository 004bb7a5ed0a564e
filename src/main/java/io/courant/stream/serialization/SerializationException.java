package io.courant.stream.serialization;

/**
 * A key or value could not be serialized or deserialized. Not retriable: the same bytes fail
 * again, so a consumer stream that meets one fails (skip the record by seeking past it, or use a
 * deserializer that tolerates bad data).
 */
public class SerializationException extends RuntimeException {
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
