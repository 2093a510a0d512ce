package dev.nines.model;

import dev.nines.schema.Channel;
import dev.nines.schema.Service;

/** Keys of the health feature: route {@code <country>:<channel>}, carrier {@code <route>:<id>}. */
public final class CarrierKey {
  private CarrierKey() {}

  public static String route(String country, Channel channel) {
    return country + ":" + channel.name();
  }

  public static String carrier(String country, Channel channel, String carrierId) {
    return route(country, channel) + ":" + carrierId;
  }

  /** The parts of a carrier key {@code <country>:<channel>:<carrierId>}. */
  public record Parts(String country, Channel channel, String carrierId) {
    public String route() {
      return CarrierKey.route(country, channel);
    }
  }

  public static Parts parse(String carrierKey) {
    String[] k = carrierKey.split(":", 3);
    return new Parts(k[0], Channel.valueOf(k[1]), k[2]);
  }

  private static final Channel[] CHANNELS = Channel.values();

  /**
   * The channel of a carrier key, as {@code parse(carrierKey).channel()} without splitting it:
   * the by-carrier tasks ask it for every receipt.
   */
  public static Channel channel(String carrierKey) {
    int from = carrierKey.indexOf(':') + 1;
    int to = carrierKey.indexOf(':', from);
    if (from == 0 || to < 0) {
      throw new IllegalArgumentException("not a carrier key: '" + carrierKey + "'");
    }
    for (Channel c : CHANNELS) {
      String name = c.name();
      if (name.length() == to - from && carrierKey.startsWith(name, from)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no channel in carrier key '" + carrierKey + "'");
  }

  /**
   * The channel a probe of this service exercises on a carrier path. Verification codes are
   * delivered by SMS, so a failed verify probe counts against the SMS route's carrier.
   */
  public static Channel channelOf(Service service) {
    return switch (service) {
      case VOICE -> Channel.VOICE;
      case SMS, VERIFY -> Channel.SMS;
      default -> Channel.UNKNOWN;
    };
  }
}
