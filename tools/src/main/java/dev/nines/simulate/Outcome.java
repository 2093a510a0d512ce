package dev.nines.simulate;

import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;

/**
 * The outcomes a failure mix draws from, in the order of {@link Scenario.FailureMix}'s fields,
 * with the status, blame and a plausible error code each carries on the wire.
 */
enum Outcome {
  DELIVERED(DeliveryStatus.DELIVERED, FailureCause.NONE, new String[0], new String[0]),
  FAILED_CARRIER(
      DeliveryStatus.FAILED,
      FailureCause.CARRIER,
      new String[] {"0x00000008", "0x00000045", "0x00000058"},
      new String[] {"502", "503", "504"}),
  FAILED_RECIPIENT(
      DeliveryStatus.FAILED,
      FailureCause.RECIPIENT,
      new String[] {"0x0000000B", "0x00000033"},
      new String[] {"404", "480", "486"}),
  FAILED_CONTENT(
      DeliveryStatus.FAILED,
      FailureCause.CONTENT,
      new String[] {"0x00000001", "0x00000400"},
      new String[] {"488"}),
  FAILED_PLATFORM(
      DeliveryStatus.FAILED,
      FailureCause.PLATFORM,
      new String[] {"0x00000014"},
      new String[] {"500"}),
  /**
   * The validity period ran out, typically because the handset stayed unreachable, hence
   * RECIPIENT. The contract counts EXPIRED against the carrier whatever its cause, and this
   * exercises that rule.
   */
  EXPIRED(
      DeliveryStatus.EXPIRED,
      FailureCause.RECIPIENT,
      new String[] {"0x00000062"},
      new String[] {"408"}),
  /** Refused before delivery was attempted (filtering, unregistered sender): CONTENT. */
  REJECTED(
      DeliveryStatus.REJECTED,
      FailureCause.CONTENT,
      new String[] {"0x00000045"},
      new String[] {"403", "603"});

  private static final Outcome[] VALUES = values();

  final DeliveryStatus status;
  final FailureCause cause;
  private final String[] messagingCodes;
  private final String[] sipCodes;

  Outcome(DeliveryStatus status, FailureCause cause, String[] messagingCodes, String[] sipCodes) {
    this.status = status;
    this.cause = cause;
    this.messagingCodes = messagingCodes;
    this.sipCodes = sipCodes;
  }

  /** SMPP command status for SMS/MMS, SIP response code for VOICE; null when delivered. */
  String errorCode(Channel channel, double u) {
    String[] codes = channel == Channel.VOICE ? sipCodes : messagingCodes;
    return codes.length == 0 ? null : codes[(int) (u * codes.length)];
  }

  /** The mix as probabilities indexed by ordinal. */
  static double[] probabilities(Scenario.FailureMix m) {
    return new double[] {
      m.deliveredProbability(),
      m.carrier(),
      m.recipient(),
      m.content(),
      m.platform(),
      m.expired(),
      m.rejected()
    };
  }

  /**
   * The mix of a carrier degraded to {@code successRate}: probability moves from DELIVERED to
   * FAILED/CARRIER until delivered / (delivered + CARRIER + EXPIRED) equals it, other outcomes
   * unchanged. If the carrier already does worse, it stays as it is.
   */
  static double[] degraded(double[] base, double successRate) {
    double[] p = base.clone();
    int d = DELIVERED.ordinal();
    int c = FAILED_CARRIER.ordinal();
    int e = EXPIRED.ordinal();
    double deliveredOrCarrier = p[d] + p[c];
    double delivered = successRate * (deliveredOrCarrier + p[e]);
    if (delivered < p[d]) {
      p[d] = delivered;
      p[c] = deliveredOrCarrier - delivered;
    }
    return p;
  }

  /** Cumulative form for drawing with one uniform. */
  static double[] cumulative(double[] p) {
    double[] cum = new double[p.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += p[i];
      cum[i] = sum;
    }
    return cum;
  }

  /** The outcome a uniform u in [0, 1) falls on; rounding slack at the top goes to the last. */
  static Outcome draw(double[] cumulative, double u) {
    double scaled = u * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (scaled < cumulative[i]) {
        return VALUES[i];
      }
    }
    return VALUES[VALUES.length - 1];
  }
}
