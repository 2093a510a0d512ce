package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.schema.SlaContract;
import dev.nines.uptime.ErrorRateDowntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The valid versions of one account's SLA contract, as read from {@code sla-contracts}. That
 * topic is compacted and keeps only the latest record per account, so the versions a past month
 * needs exist only here: this is what the credit step keeps in its state store. Immutable.
 *
 * <ul>
 *   <li>A version takes effect at its {@code effectiveFrom}, not when it was written, and is in
 *       force over {@code [effectiveFrom, effectiveTo)}.
 *   <li>A new version with the same {@code effectiveFrom} as a kept one replaces it (a
 *       correction, or the way to end a contract: re-send it with an {@code effectiveTo}); any
 *       other is added. Replaying the same records therefore gives the same history.
 *   <li>Where several versions contain an instant, the one with the latest {@code effectiveFrom}
 *       is in force: the newer agreement overrides the older while it lasts. (When it ends, an
 *       older open-ended version that still contains the instant is in force again.)
 *   <li>An invalid version is rejected and the history stays as it was, so the previous valid
 *       version stays in force.
 * </ul>
 */
public final class ContractHistory {
  private static final byte FORMAT = 2;
  private static final ContractHistory EMPTY = new ContractHistory(null, List.of());

  /** Null only while empty. */
  private final String accountId;

  /** Ascending, distinct effectiveFrom. */
  private final List<Contract> versions;

  private ContractHistory(String accountId, List<Contract> versions) {
    for (int i = 0; i < versions.size(); i++) {
      Contract v = versions.get(i);
      if (!v.accountId().equals(accountId)) {
        throw new IllegalArgumentException(
            "contract history of account "
                + accountId
                + " holds a version of account "
                + v.accountId());
      }
      if (i > 0 && !versions.get(i - 1).effectiveFrom().isBefore(v.effectiveFrom())) {
        throw new IllegalArgumentException(
            "contract history of account "
                + accountId
                + ": versions not in strictly ascending effectiveFrom");
      }
    }
    this.accountId = accountId;
    this.versions = List.copyOf(versions);
  }

  public static ContractHistory empty() {
    return EMPTY;
  }

  /** The outcome of offering a version: the history after it, and why it was rejected if so. */
  public record Update(ContractHistory history, List<String> problems) {
    public Update {
      Objects.requireNonNull(history, "history");
      problems = List.copyOf(problems);
    }

    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  /**
   * This history with one more version. A version with problems (see {@link ContractValidator}),
   * or of another account, is rejected: the returned history is this one, unchanged.
   */
  public Update with(SlaContract update) {
    List<String> problems = ContractValidator.problems(update);
    if (problems.isEmpty() && accountId != null && !accountId.equals(update.getAccountId())) {
      problems =
          List.of(
              "accountId = \""
                  + update.getAccountId()
                  + "\": this history is of \""
                  + accountId
                  + "\", expected a version of that account");
    }
    if (!problems.isEmpty()) {
      return new Update(this, problems);
    }
    Contract v = Contract.from(update);
    List<Contract> next = new ArrayList<>(versions.size() + 1);
    boolean placed = false;
    for (Contract old : versions) {
      int c = old.effectiveFrom().compareTo(v.effectiveFrom());
      if (!placed && c >= 0) {
        next.add(v);
        placed = true;
      }
      if (c != 0) {
        next.add(old);
      }
    }
    if (!placed) {
      next.add(v);
    }
    return new Update(new ContractHistory(v.accountId(), next), List.of());
  }

  public Optional<String> accountId() {
    return Optional.ofNullable(accountId);
  }

  /** The kept versions, ascending by effectiveFrom. */
  public List<Contract> versions() {
    return versions;
  }

  public boolean isEmpty() {
    return versions.isEmpty();
  }

  /**
   * The version in force at the instant: of those whose {@code [effectiveFrom, effectiveTo)}
   * contains it, the one with the latest effectiveFrom; empty if none does.
   */
  public Optional<Contract> inForceAt(Instant t) {
    Objects.requireNonNull(t, "instant");
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).inForceAt(t)) {
        return Optional.of(versions.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * The version that governs a UTC month: the one in force at the month's end, taken as its last
   * millisecond (the first instant of the next month belongs to the next month). It governs the
   * whole month, also the days before its effectiveFrom. Empty if no version is in force then,
   * e.g. because the contract ended before the month did: no credit for that month.
   */
  public Optional<Contract> governing(YearMonth month) {
    return inForceAt(Months.lastMillisecond(month));
  }

  /** The version that governs a contract month: the one in force at its last millisecond. */
  public Optional<Contract> governing(ContractMonth month) {
    return inForceAt(Instant.ofEpochMilli(month.endMs() - 1));
  }

  // --- state store format: explicit fields behind a format byte, independent of Avro schemas ---

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeInt(versions.size());
      for (Contract v : versions) {
        writeString(out, v.accountId());
        writeString(out, v.tier());
        writeString(out, v.targetPercent().toPlainString());
        out.writeInt(v.regions().size());
        for (String r : v.regions()) {
          writeString(out, r);
        }
        out.writeInt(v.monthlyFeeMinor().size());
        for (var e : v.monthlyFeeMinor().entrySet()) {
          writeString(out, e.getKey().name());
          out.writeLong(e.getValue());
        }
        writeString(out, v.currency());
        out.writeInt(v.creditSchedule().size());
        for (Tier t : v.creditSchedule()) {
          writeString(out, t.belowPercent().toPlainString());
          out.writeInt(t.creditPercent());
        }
        out.writeLong(v.effectiveFrom().toEpochMilli());
        out.writeBoolean(v.effectiveTo() != null);
        if (v.effectiveTo() != null) {
          out.writeLong(v.effectiveTo().toEpochMilli());
        }
        Contract.Terms t = v.terms();
        writeString(out, t.zone().getId());
        writeOptional(
            out, t.minMaintenanceNotice() == null ? null : t.minMaintenanceNotice().toString());
        out.writeBoolean(t.errorRate() != null);
        if (t.errorRate() != null) {
          writeString(out, t.errorRate().thresholdPercent().toPlainString());
          writeString(out, t.errorRate().period().toString());
          out.writeInt(t.errorRate().minAttempts());
        }
        writeOptional(out, t.disputeWindow() == null ? null : t.disputeWindow().toString());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @throws IllegalStateException if the bytes are not a history written by {@link #toBytes} */
  public static ContractHistory fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      byte format = in.readByte();
      if (format < 1 || format > FORMAT) {
        throw new IllegalStateException(
            "unknown ContractHistory format "
                + format
                + " (this version reads 1 to "
                + FORMAT
                + ")");
      }
      List<Contract> versions = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        String account = readString(in);
        String tier = readString(in);
        BigDecimal target = new BigDecimal(readString(in));
        List<String> regions = new ArrayList<>();
        for (int j = count(in); j > 0; j--) {
          regions.add(readString(in));
        }
        Map<Service, Long> fees = new EnumMap<>(Service.class);
        for (int j = count(in); j > 0; j--) {
          fees.put(Service.valueOf(readString(in)), in.readLong());
        }
        String currency = readString(in);
        List<Tier> schedule = new ArrayList<>();
        for (int j = count(in); j > 0; j--) {
          schedule.add(new Tier(new BigDecimal(readString(in)), in.readInt()));
        }
        Instant from = Instant.ofEpochMilli(in.readLong());
        Instant to = in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
        // format 1 had no terms: UTC months, any notice, probes alone, the default dispute window
        Contract.Terms terms = format >= 2 ? readTerms(in) : Contract.Terms.DEFAULT;
        versions.add(
            new Contract(
                account, tier, target, regions, fees, currency, schedule, from, to, terms));
      }
      if (in.available() > 0) {
        throw new IllegalStateException(
            "ContractHistory: " + in.available() + " bytes left after the last version");
      }
      return versions.isEmpty()
          ? EMPTY
          : new ContractHistory(versions.get(0).accountId(), versions);
    } catch (IOException e) {
      throw new IllegalStateException("ContractHistory: truncated or corrupt state", e);
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new IllegalStateException("ContractHistory: corrupt state: " + e.getMessage(), e);
    }
  }

  private static Contract.Terms readTerms(DataInputStream in) throws IOException {
    ZoneId zone = ZoneId.of(readString(in));
    String notice = readOptional(in);
    ErrorRateDowntime rate =
        in.readBoolean()
            ? new ErrorRateDowntime(
                new BigDecimal(readString(in)), Duration.parse(readString(in)), in.readInt())
            : null;
    String dispute = readOptional(in);
    return new Contract.Terms(
        zone,
        notice == null ? null : Duration.parse(notice),
        rate,
        dispute == null ? null : Duration.parse(dispute));
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readOptional(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    // not writeUTF: that caps a string at 65535 bytes
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[count(in)];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A length or count: never negative, never more than the bytes left (guards allocation). */
  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IllegalStateException("ContractHistory: corrupt length " + n);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContractHistory h
        && Objects.equals(accountId, h.accountId)
        && versions.equals(h.versions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accountId, versions);
  }

  @Override
  public String toString() {
    return "ContractHistory[" + accountId + ", " + versions + "]";
  }
}
