package dev.nines.simulate;

import java.time.Instant;

/** One concrete [start, end) interval of a (possibly repeating) scripted event. */
public record EventOccurrence(ScriptedEvent event, Instant start, Instant end) {

  /** Whether an event time falls inside this occurrence (start inclusive, end exclusive). */
  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }
}
