package io.courant.topic;

import java.util.regex.Pattern;

/** Kafka's rules for topic names. */
public final class TopicName {
  private TopicName() {}

  public static final int MAX_LENGTH = 249;
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  /** Why {@code name} is not a legal topic name, or null if it is. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "topic name must not be empty";
    }
    if (name.equals(".") || name.equals("..")) {
      return "topic name cannot be '.' or '..'";
    }
    if (name.length() > MAX_LENGTH) {
      return "topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
    }
    if (!LEGAL.matcher(name).matches()) {
      return "topic name '" + name + "' is illegal: it may only contain ASCII letters, digits, '.', '_' and '-'";
    }
    return null;
  }
}
