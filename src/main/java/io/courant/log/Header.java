package io.courant.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record header: a key and an optional value, as in Kafka.
 *
 * @param key the header name, never null
 * @param value the header value, may be null
 */
public record Header(String key, byte[] value) {
  public Header {
    Objects.requireNonNull(key, "header key must not be null");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Header[" + key + "=" + (value == null ? "null" : value.length + " bytes") + "]";
  }
}
