package dev.nines.platform.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * The seven compatibility levels of the Confluent Schema Registry. "Backward" means the new
 * schema can read data written with the old one (consumers upgrade first); "forward" means old
 * readers can read data written with the new one (producers upgrade first); "full" is both.
 * The non-transitive levels compare with the latest live version only, the transitive ones with
 * every live version, because a reader may meet data written with any of them.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** The new schema must be able to read data written with the old ones. */
  final boolean newReadsOld;

  /** The old schemas must be able to read data written with the new one. */
  final boolean oldReadsNew;

  /** Check against every live version rather than only the latest. */
  final boolean transitive;

  CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  /**
   * Parses a level name case-insensitively, as Confluent does ({@code "full"} and {@code "FULL"}
   * are both accepted); empty for null or an unknown name.
   */
  public static Optional<CompatibilityLevel> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
