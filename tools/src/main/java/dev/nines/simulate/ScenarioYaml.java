package dev.nines.simulate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads scenario YAML into {@link Scenario} records and turns Jackson's multi-line errors into
 * the one-line {@code scenario <field> = <value>: <what would be right>} messages users see.
 */
final class ScenarioYaml {
  private ScenarioYaml() {}

  private static final ObjectMapper MAPPER =
      YAMLMapper.builder()
          .addModule(
              new SimpleModule("nines-scenario")
                  .addDeserializer(Duration.class, new IsoDurationDeserializer())
                  .addDeserializer(TimeRef.class, new TimeRefDeserializer()))
          // A misspelt field must not be silently ignored: the scenario would run with a default.
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // baseWeight: 1.5 must be an error, not quietly 1.
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // Two "routes:" keys would otherwise keep only the last one.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  static Scenario read(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      throw new ScenarioException("scenario: the document is empty");
    }
    Scenario scenario;
    try {
      scenario = MAPPER.readValue(yaml, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(message(e));
    }
    if (scenario == null) {
      throw new ScenarioException("scenario: the document is empty");
    }
    return scenario;
  }

  static String message(JsonProcessingException e) {
    // A syntax error met while binding a nested field arrives wrapped with that field's path;
    // the YAML position says more than the path then.
    if (e instanceof JsonMappingException
        && e.getCause() instanceof JsonProcessingException cause
        && !(cause instanceof JsonMappingException)) {
      return syntax(cause);
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : u.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      return "scenario " + path(u) + ": unknown field; known fields here: " + known;
    }
    if (e instanceof InvalidFormatException f
        && f.getOriginalMessage().startsWith("Cannot deserialize Map key")) {
      return "scenario "
          + path(f)
          + "."
          + f.getValue()
          + ": is not a valid key here; keys "
          + describe(f.getTargetType());
    }
    if (e instanceof InvalidFormatException f) {
      return "scenario "
          + path(f)
          + " = "
          + render(f.getValue())
          + ": "
          + describe(f.getTargetType());
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return prefix(m) + ": " + describe(m.getTargetType());
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return prefix(m) + ": " + firstLine(m.getOriginalMessage());
    }
    return syntax(e);
  }

  private static String syntax(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return "scenario: not valid YAML" + where + ": " + problem(e.getOriginalMessage());
  }

  /**
   * SnakeYAML's messages span several lines: context, an indented excerpt with a caret, the
   * problem. The unindented lines carry the meaning; the position is reported separately.
   */
  private static String problem(String message) {
    if (message == null) {
      return "";
    }
    return message
        .lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .collect(Collectors.joining(": "));
  }

  private static String prefix(JsonMappingException e) {
    String p = path(e);
    return p.isEmpty() ? "scenario" : "scenario " + p;
  }

  /** {@code routes[1].carriers[0].baseWeight} from Jackson's reference chain. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  static String render(Object value) {
    return value instanceof CharSequence ? "\"" + value + "\"" : Objects.toString(value);
  }

  /** What a value of the target type looks like, phrased as the rule it broke. */
  static String describe(Class<?> type) {
    if (type == Duration.class) {
      return "must be an ISO-8601 duration such as PT60S";
    }
    if (type == TimeRef.class) {
      return "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z"
          + " or an ISO-8601 duration from the scenario start such as -P30D";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "must be a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "must be a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (type.isEnum()) {
      return "must be one of "
          + Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .filter(s -> !s.equals("UNKNOWN")) // the schema's reader default, not a choice
              .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "must be a single text value";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "must be a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "must be a mapping of fields";
    }
    return "must be a " + type.getSimpleName();
  }

  /** A non-string scalar as its own type, so the message shows 60 rather than "60". */
  private static Object scalar(JsonParser p) throws IOException {
    if (p.currentToken().isNumeric()) {
      return p.getNumberValue();
    }
    if (p.currentToken().isBoolean()) {
      return p.getBooleanValue();
    }
    return p.getText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** ISO-8601 only: a bare number would be ambiguous (seconds? milliseconds?). */
  private static final class IsoDurationDeserializer extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;

    IsoDurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        if (p.currentToken().isScalarValue()) {
          throw InvalidFormatException.from(
              p, "not an ISO-8601 duration", scalar(p), Duration.class);
        }
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      String text = p.getText().trim();
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw InvalidFormatException.from(p, "not an ISO-8601 duration", text, Duration.class);
      }
    }
  }

  private static final class TimeRefDeserializer extends StdScalarDeserializer<TimeRef> {
    private static final long serialVersionUID = 1L;

    TimeRefDeserializer() {
      super(TimeRef.class);
    }

    @Override
    public TimeRef deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        if (p.currentToken().isScalarValue()) {
          throw InvalidFormatException.from(p, "not a time", scalar(p), TimeRef.class);
        }
        return (TimeRef) ctxt.handleUnexpectedToken(TimeRef.class, p);
      }
      String text = p.getText();
      try {
        return TimeRef.parseText(text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, "not a time", text, TimeRef.class);
      }
    }
  }
}
