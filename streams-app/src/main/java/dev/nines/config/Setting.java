package dev.nines.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration key: its name, default, documentation, the values it takes (in words, for the
 * configuration reference) and how a raw string becomes a typed value. Parsers throw {@link IllegalArgumentException} with the "what would be right" half of
 * the message; {@link ConfigLoader} adds the key, the value and where it came from.
 */
public record Setting<T>(
    String key, String defaultValue, String doc, String type, Function<String, T> parser) {

  /** A key that takes any text. */
  public Setting(String key, String defaultValue, String doc, Function<String, T> parser) {
    this(key, defaultValue, doc, "text", parser);
  }

  /** Environment variable for this key: NINES_ + upper case, dots and dashes to underscores. */
  public String envName() {
    return Settings.envName(key);
  }

  static Setting<String> string(String key, String def, String doc) {
    return new Setting<>(key, def, doc, s -> s);
  }

  static Setting<Integer> port(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "port, 1 to 65535",
        s -> {
          int p = intIn(s, 1, 65535, "a port number from 1 to 65535");
          return p;
        });
  }

  static Setting<Integer> intRange(String key, String def, int min, int max, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "integer, " + min + " to " + max,
        s -> intIn(s, min, max, "a whole number from " + min + " to " + max));
  }

  static Setting<Double> positiveDouble(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "number > 0",
        s -> {
          try {
            double d = Double.parseDouble(s.trim());
            if (!(d > 0) || Double.isInfinite(d)) {
              throw new NumberFormatException();
            }
            return d;
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number greater than 0, e.g. 0.5");
          }
        });
  }

  static Setting<Boolean> bool(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "boolean",
        s ->
            switch (s.trim().toLowerCase(Locale.ROOT)) {
              case "true", "yes", "1", "on" -> true;
              case "false", "no", "0", "off" -> false;
              default -> throw new IllegalArgumentException("expected true or false");
            });
  }

  static Setting<Path> path(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "directory path",
        s -> {
          if (s.isBlank()) {
            throw new IllegalArgumentException("expected a directory path");
          }
          return Path.of(s.trim());
        });
  }

  static Setting<Duration> duration(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "ISO-8601 duration > 0",
        s -> {
          try {
            Duration d = Duration.parse(s.trim());
            if (d.isNegative() || d.isZero()) {
              throw new IllegalArgumentException(
                  "expected a positive ISO-8601 duration, e.g. PT10S");
            }
            return d;
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an ISO-8601 duration, e.g. PT10S or PT2M");
          }
        });
  }

  static <E extends Enum<E>> Setting<E> oneOf(String key, String def, Class<E> type, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "one of "
            + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")),
        s -> {
          for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
              return e;
            }
          }
          throw new IllegalArgumentException(
              "expected one of "
                  + Arrays.stream(type.getEnumConstants())
                      .map(e -> e.name().toLowerCase(Locale.ROOT))
                      .toList());
        });
  }

  private static int intIn(String s, int min, int max, String expected) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException("expected " + expected);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + expected);
    }
  }
}
