package dev.nines.uptime;

import java.util.Objects;

/** A change of one burn-rate rule's alert. */
public sealed interface AlertEvent {
  BurnRule rule();

  /** Both windows burn faster than the rule's rate: the alert starts, at this evaluation. */
  record Fired(BurnRule rule, long firedAt) implements AlertEvent {
    public Fired {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** The short window no longer does (or the rule was removed): the alert ends. */
  record Resolved(BurnRule rule, long firedAt, long resolvedAt) implements AlertEvent {
    public Resolved {
      Objects.requireNonNull(rule, "rule");
    }
  }
}
