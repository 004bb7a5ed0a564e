package io.courant.cli;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** A point in time given on the command line: epoch milliseconds, or ISO-8601 with or without a zone (then this machine's). */
final class TimeArgument {
  private TimeArgument() {}

  static Instant parse(CommandLine command, String option, String text) {
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochMilli(Long.parseLong(text));
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
      } catch (DateTimeParseException e2) {
        throw new ParameterException(command, option + " '" + text
            + "' is neither epoch milliseconds nor an ISO-8601 date-time (e.g. 2026-11-22T07:00:00Z or 2026-11-22T08:00:00.000+01:00)");
      }
    }
  }
}
