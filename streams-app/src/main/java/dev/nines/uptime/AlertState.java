package dev.nines.uptime;

import dev.nines.schema.AlertSeverity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What {@link BurnRateAlerts} remembers for one (service, region): when it last evaluated and
 * which rules are firing since when. Immutable. The rules are stored whole, not by position, so
 * that a rule dropped from the configuration can still be resolved.
 *
 * @param evaluatedAt the latest evaluation instant; {@link Long#MIN_VALUE} before the first
 * @param firing the firing rules, sorted by {@link BurnRule#id()}
 */
public record AlertState(long evaluatedAt, List<Firing> firing) {
  private static final byte FORMAT = 1;

  /** A rule whose alert is on, since {@code firedAt}. */
  public record Firing(BurnRule rule, long firedAt) {
    public Firing {
      Objects.requireNonNull(rule, "rule");
    }
  }

  public AlertState {
    List<Firing> sorted = new ArrayList<>(firing);
    sorted.sort(Comparator.comparing((Firing f) -> f.rule().id()));
    firing = List.copyOf(sorted);
  }

  public static AlertState initial() {
    return new AlertState(Long.MIN_VALUE, List.of());
  }

  public byte[] toBytes() {
    return StateCodec.write(
        FORMAT,
        out -> {
          out.writeLong(evaluatedAt);
          out.writeInt(firing.size());
          for (Firing f : firing) {
            out.writeUTF(f.rule().severity().name());
            out.writeUTF(f.rule().burnRate().toPlainString());
            out.writeLong(f.rule().longWindow().toMillis());
            out.writeLong(f.rule().shortWindow().toMillis());
            out.writeLong(f.firedAt());
          }
        });
  }

  public static AlertState fromBytes(byte[] data) {
    return StateCodec.read(
        data,
        FORMAT,
        "AlertState",
        in -> {
          long evaluatedAt = in.readLong();
          List<Firing> firing = new ArrayList<>();
          for (int i = in.readInt(); i > 0; i--) {
            BurnRule rule =
                new BurnRule(
                    AlertSeverity.valueOf(in.readUTF()),
                    new BigDecimal(in.readUTF()),
                    Duration.ofMillis(in.readLong()),
                    Duration.ofMillis(in.readLong()));
            firing.add(new Firing(rule, in.readLong()));
          }
          return new AlertState(evaluatedAt, firing);
        });
  }
}
