package dev.nines.uptime;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the DOWN rule (contract, "Semantics that hold everywhere"). Immutable; validated on
 * construction so that a bad configuration fails at start-up.
 *
 * @param confirmations consecutive failed probes of one check from one vantage that confirm a
 *     failure; default 2. One failed probe followed by a success is noise, not downtime.
 * @param quorum vantages that must each have a confirmed run before the service is DOWN; default
 *     1. Above 1, a single vantage's own network trouble cannot take a region down.
 * @param dedupRetention how long the tracker remembers probe ids it applied, behind the latest
 *     observedAt; default 10 minutes. The {@link ReorderBuffer} in front already drops copies
 *     (held ones as duplicates, released ones as late); this is the tracker's own guard when it is
 *     fed directly, kept short because it is part of the state rewritten per probe.
 * @param vantageSilence a vantage with no probe for longer than this, while the region's other
 *     vantages report, leaves the quorum: its failing checks are forgotten, so a vantage retired
 *     mid-incident no longer holds the incident open; zero = never (the contract's rule as
 *     written). Time in which the whole region was silent does not count.
 */
public record HealthRule(
    int confirmations, int quorum, Duration dedupRetention, Duration vantageSilence) {
  /** A rule that never retires a silent vantage. */
  public HealthRule(int confirmations, int quorum, Duration dedupRetention) {
    this(confirmations, quorum, dedupRetention, Duration.ZERO);
  }

  public HealthRule {
    Objects.requireNonNull(dedupRetention, "dedupRetention");
    Objects.requireNonNull(vantageSilence, "vantageSilence");
    if (vantageSilence.isNegative()) {
      throw new IllegalArgumentException(
          "health rule: vantageSilence = " + vantageSilence + ": expected 0 or more");
    }
    if (confirmations < 1) {
      throw new IllegalArgumentException(
          "health rule: confirmations = " + confirmations + ": expected at least 1");
    }
    if (quorum < 1) {
      throw new IllegalArgumentException(
          "health rule: quorum = " + quorum + ": expected at least 1");
    }
    if (dedupRetention.isNegative()) {
      throw new IllegalArgumentException(
          "health rule: dedupRetention = " + dedupRetention + ": expected 0 or more");
    }
  }

  /** confirmations 2, quorum 1, dedup retention 10 minutes, vantage silence 5 minutes. */
  public static HealthRule defaults() {
    return new HealthRule(2, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
  }

  public HealthRule withConfirmations(int confirmations) {
    return new HealthRule(confirmations, quorum, dedupRetention, vantageSilence);
  }

  public HealthRule withQuorum(int quorum) {
    return new HealthRule(confirmations, quorum, dedupRetention, vantageSilence);
  }

  public HealthRule withVantageSilence(Duration silence) {
    return new HealthRule(confirmations, quorum, dedupRetention, silence);
  }
}
