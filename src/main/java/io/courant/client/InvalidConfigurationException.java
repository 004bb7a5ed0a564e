package io.courant.client;

import io.courant.ErrorCode;

/** A config name is unknown or its value is not allowed (the message lists what is). */
public class InvalidConfigurationException extends CourantException {
  public InvalidConfigurationException(String message) {
    super(ErrorCode.INVALID_CONFIG, message);
  }
}
