package dev.nines.simulate;

import java.util.List;

/**
 * A scenario that cannot be used. The message is one line per problem, joined with "; ", each
 * naming the field (e.g. {@code routes[1].carriers[0].baseWeight}), its value and what would be
 * right, so a user can fix the file without reading code.
 */
public class ScenarioException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  public ScenarioException(String message, List<String> errors) {
    super(message);
    this.errors = List.copyOf(errors);
  }

  public ScenarioException(String message) {
    this(message, List.of(message));
  }

  /** Every problem found, one line each. */
  public List<String> errors() {
    return errors;
  }
}
