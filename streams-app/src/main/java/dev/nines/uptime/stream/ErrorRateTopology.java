package dev.nines.uptime.stream;

import dev.nines.config.NinesConfig;
import dev.nines.eventtime.ClosingWindows;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.MulticastPartitioner;
import dev.nines.eventtime.WindowsFanOut;
import dev.nines.health.stream.CarrierHealthTopology;
import dev.nines.health.stream.CarrierReceipt;
import dev.nines.model.CarrierKey;
import dev.nines.schema.Channel;
import dev.nines.schema.Service;
import dev.nines.serde.SerdeException;
import dev.nines.uptime.ErrorRateHour;
import dev.nines.uptime.HourCounts;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Receipts counted for error-rate downtime, in the by-carrier tasks, after de-duplication: a few
 * counters per receipt, and a record per account, region and hour that had receipts.
 *
 * <pre>
 * INSERT INTO error-rate-by-service (internal, key service)
 * SELECT SERVICE(channel), accountId, region, hour, per minute: COUNT(*), COUNT(platform failure)
 * FROM DISTINCT delivery-receipts BY messageId
 * GROUP BY SERVICE(channel), accountId, region, TUMBLING(completedAt, 1 h)
 * EMIT ON WINDOW CLOSE   -- by the watermarks of every receipt and probe input partition
 * </pre>
 *
 * <p>Every closed hour is sent, with or without a failure: another task's share of the same
 * account and hour (another carrier) may hold its failures, and the rate is over all the
 * attempts. The receiving tasks keep only the hours with a failure once every share is in.
 *
 * <p>The hours close by the same watermarks as carrier health, and each by-carrier task relays
 * its closing frontier to every partition of the topic, so that the service's credit task knows
 * when every hour up to a month's end has arrived (see {@link CreditProcessor}).
 */
public final class ErrorRateTopology {
  private ErrorRateTopology() {}

  public static final String WINDOW_STORE = "error-rate-open-hours-store";

  /** Where the by-carrier task's windows send the closed hours (see {@link WindowsFanOut}). */
  static final String CHILD = "error-rate-hours-by-service";

  /**
   * The hours as one set of the by-carrier task's windows: each receipt under its account's key
   * (and, with the platform's objective set, its region's), probes only for their marks.
   */
  public static WindowsFanOut.Tap<Object, HourCounts> hours(NinesConfig config) {
    boolean platform = config.uptime().platformErrorRate() != null;
    return new WindowsFanOut.Tap<>(
        new ClosingWindows<Object, HourCounts>(
            WINDOW_STORE,
            hourCountsSerde(),
            Duration.ofMillis(HourCounts.HOUR_MS),
            config.health().grace(),
            HourCounts::new,
            (v, c) -> {
              CarrierReceipt r = (CarrierReceipt) v; // probes have no keys here
              return c.add(r.completedAt(), r.platformFailure());
            },
            CarrierHealthTopology.upstreams(config),
            config.topics().partitions()),
        (key, v, each) -> {
          if (v instanceof CarrierReceipt r) {
            keysOf(key, r, platform, each);
          }
        },
        CHILD);
  }

  /**
   * The closed hours out of the by-carrier task's windows ({@link #hours}), keyed by service,
   * with the by-carrier tasks' relayed watermarks (partition {@code p} of {@code
   * topics.partitions}).
   */
  public static KStream<String, Marked<ErrorRateHour>> build(
      NinesConfig config, KStream<String, Marked<ClosingWindows.Window<HourCounts>>> closed) {
    return closed
        .flatMap(ErrorRateTopology::hourByService, Named.as(CHILD))
        .repartition(
            Repartitioned.with(Serdes.String(), MarkedSerde.of(hourSerde()))
                .withStreamPartitioner(new MulticastPartitioner<ErrorRateHour>())
                .withName("error-rate-by-service")
                .withNumberOfPartitions(config.topics().partitions()));
  }

  /** The service a receipt's channel belongs to: SMS and MMS count for SMS, VOICE for VOICE. */
  static Service serviceOf(Channel channel) {
    return switch (channel) {
      case SMS, MMS -> Service.SMS;
      case VOICE -> Service.VOICE;
      default -> null;
    };
  }

  /**
   * Key {@code SERVICE|<length of region>:<region>|account} (ids may hold any character), and
   * with the platform's objective set also {@code SERVICE|<length>:<region>|} for the region's
   * count of every account; a receipt of an older format: none.
   */
  static void keysOf(String carrierKey, CarrierReceipt r, boolean platform, Consumer<String> each) {
    Service service = serviceOf(CarrierKey.channel(carrierKey));
    if (r.accountId() == null || r.region() == null || service == null) {
      return; // written by an older version, before receipts carried them
    }
    each.accept(key(service, r.region(), r.accountId()));
    // the platform's count of the region: every account (an empty account id, which no receipt
    // has: ReceiptCheck requires one)
    if (platform) {
      each.accept(key(service, r.region(), ""));
    }
  }

  static String key(Service service, String region, String account) {
    return service + "|" + region.length() + ":" + region + "|" + account;
  }

  static List<KeyValue<String, Marked<ErrorRateHour>>> hourByService(
      String key, Marked<ClosingWindows.Window<HourCounts>> m) {
    if (m instanceof Marked.Mark<ClosingWindows.Window<HourCounts>> w) {
      return List.of(KeyValue.pair(Marked.MARK_KEY, Marked.mark(w.watermark())));
    }
    ClosingWindows.Window<HourCounts> w =
        ((Marked.Item<ClosingWindows.Window<HourCounts>>) m).value();
    int bar = key.indexOf('|');
    int colon = key.indexOf(':', bar);
    int regionStart = colon + 1;
    int regionEnd = regionStart + Integer.parseInt(key.substring(bar + 1, colon));
    return List.of(
        KeyValue.pair(
            key.substring(0, bar),
            Marked.item(
                new ErrorRateHour(
                    key.length() == regionEnd + 1 ? null : key.substring(regionEnd + 1),
                    key.substring(regionStart, regionEnd),
                    w.start(),
                    w.value()))));
  }

  static Serde<HourCounts> hourCountsSerde() {
    Serializer<HourCounts> ser = (topic, c) -> c == null ? null : c.toBytes();
    Deserializer<HourCounts> de =
        (topic, b) -> {
          try {
            return b == null ? null : HourCounts.fromBytes(b);
          } catch (IllegalArgumentException e) {
            throw new SerdeException(topic, null, e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }

  static Serde<ErrorRateHour> hourSerde() {
    Serializer<ErrorRateHour> ser = (topic, h) -> h == null ? null : h.toBytes();
    Deserializer<ErrorRateHour> de =
        (topic, b) -> {
          try {
            return b == null ? null : ErrorRateHour.fromBytes(b);
          } catch (IllegalArgumentException e) {
            throw new SerdeException(topic, null, e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
