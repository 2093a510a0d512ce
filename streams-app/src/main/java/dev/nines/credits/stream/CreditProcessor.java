package dev.nines.credits.stream;

import dev.nines.credits.Adjustments;
import dev.nines.credits.ClosedMonth;
import dev.nines.credits.Contract;
import dev.nines.credits.ContractHistory;
import dev.nines.credits.ContractMonth;
import dev.nines.credits.CreditCalculator;
import dev.nines.credits.CreditRule;
import dev.nines.credits.DecidedMonth;
import dev.nines.credits.MonthStatement;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.OriginalRecord;
import dev.nines.ingest.stream.DeadLetters;
import dev.nines.schema.Service;
import dev.nines.schema.SlaAdjustment;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.serde.Tagged;
import dev.nines.uptime.MonthClosed;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per service: keeps every account's contract history and, when the uptime processor reports a
 * closed UTC month ({@link MonthClosed}), decides each account's contract month that ends in it
 * (its calendar month in the contract's time zone) through {@link MonthStatement}: a statement
 * always, a credit when one is due.
 *
 * <p>Input: {@link CreditInput}, a contract version (or, with a null value, the removal of an
 * account; already validated at the source) or a {@link MonthClosed}. Output: {@link
 * CreditOutput} keyed by account, with the record timestamp the month's close.
 *
 * <p>Closed UTC months are kept ({@code credits.keep.months}): a contract month in a zone east or
 * west of UTC spans two of them, and an account whose contract arrives after its month closed
 * (reference data and probes travel different partitions) is decided when it arrives, so the
 * output does not depend on which was processed first. Each account is decided once per contract
 * month, at the UTC month its contract month ends in.
 *
 * <p>Exactly once: a month closes once per service, in the same transaction that records it as
 * finalized, so a credit is issued once; a crash before the commit replays the close and the
 * uncommitted credit is never seen by a {@code read_committed} reader.
 */
final class CreditProcessor implements Processor<String, CreditInput, String, CreditOutput> {
  private static final Logger log = LoggerFactory.getLogger(CreditProcessor.class);

  private final Stores stores;
  private final int keepMonths;
  private final Duration monthGrace;
  private final Deserializer<SlaAdjustment> adjustmentValues;
  private ProcessorContext<String, CreditOutput> context;
  private KeyValueStore<String, byte[]> contracts;
  private KeyValueStore<String, byte[]> closedMonths;
  private KeyValueStore<String, byte[]> decided;
  private KeyValueStore<String, byte[]> adjustments;

  /** The processor's stores by name. */
  record Stores(String contracts, String closed, String decided, String adjustments) {}

  /**
   * @param keepMonths how many closed months per service are kept, so that a contract arriving
   *     after its month closed is still credited
   * @param monthGrace how long after its end a UTC month closes (uptime.month.grace)
   */
  CreditProcessor(
      Stores stores,
      int keepMonths,
      Duration monthGrace,
      Deserializer<SlaAdjustment> adjustmentValues) {
    this.stores = stores;
    this.keepMonths = keepMonths;
    this.monthGrace = monthGrace;
    this.adjustmentValues = adjustmentValues;
  }

  @Override
  public void init(ProcessorContext<String, CreditOutput> context) {
    this.context = context;
    this.contracts = context.getStateStore(stores.contracts());
    this.closedMonths = context.getStateStore(stores.closed());
    this.decided = context.getStateStore(stores.decided());
    this.adjustments = context.getStateStore(stores.adjustments());
  }

  @Override
  public void process(Record<String, CreditInput> record) {
    if (record.value() instanceof CreditInput.Closed c) {
      issue(c.month());
    } else if (record.value() instanceof CreditInput.Contract c) {
      onContract(record.key(), c.contract());
    } else if (record.value() instanceof CreditInput.Adjustment a) {
      onAdjustment(Service.valueOf(record.key()), a.record());
    }
  }

  private void onContract(String service, Tagged<SlaContract> t) {
    String key = service + ":" + t.id();
    if (t.value() == null) {
      contracts.delete(key);
      return;
    }
    byte[] old = contracts.get(key);
    ContractHistory history =
        old == null ? ContractHistory.empty() : ContractHistory.fromBytes(old);
    ContractHistory.Update update = history.with(t.value());
    if (!update.accepted()) {
      // the source check rejects these first; this only guards the history's own rules
      log.warn("credits: contract version of {} not applied: {}", t.id(), update.problems());
      return;
    }
    contracts.put(key, update.history().toBytes());
    // months of this service that closed before this account's contract was here
    TreeMap<YearMonth, ClosedMonth> months = closedMonths(Service.valueOf(service));
    for (ClosedMonth cm : months.values()) {
      if (!cm.decided().contains(t.id())) {
        decide(cm.closed(), t.id(), update.history(), months);
        closedMonths.put(closedKey(cm.closed()), cm.withDecided(t.id()).toBytes());
      }
    }
    issuePending(Service.valueOf(service), null);
  }

  private void issue(MonthClosed closed) {
    Service service = closed.service();
    List<KeyValue<String, byte[]>> accounts = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        contracts.prefixScan(service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(accounts::add);
    }
    TreeMap<YearMonth, ClosedMonth> months = closedMonths(service);
    if (months.containsKey(closed.month())
        || !months.isEmpty() && !closed.month().isAfter(months.lastKey().minusMonths(keepMonths))) {
      // a month decided before (a region that reported in it only after it closed closes it
      // again, for itself): what was decided stands, as a finalized month does
      log.warn("credits: {} {} closed again; decided before, ignored", service, closed.month());
      return;
    }
    ClosedMonth cm = new ClosedMonth(closed, new TreeSet<>());
    months.put(closed.month(), cm);
    int issued = 0;
    for (KeyValue<String, byte[]> kv : accounts) {
      String account = kv.key.substring(service.name().length() + 1);
      if (decide(closed, account, ContractHistory.fromBytes(kv.value), months)) {
        issued++;
      }
      cm = cm.withDecided(account);
    }
    closedMonths.put(closedKey(closed), cm.toBytes());
    // keys sort by month within a service: drop the oldest beyond the kept number
    closedMonths.delete(service.name() + ":" + closed.month().minusMonths(keepMonths));
    issuePending(service, closed.month());
    forgetDecided(service, closed.closedAt());
    log.info(
        "credits: {} {} closed; {} of {} accounts get a credit",
        service,
        closed.month(),
        issued,
        accounts.size());
  }

  private static String closedKey(MonthClosed m) {
    return m.service().name() + ":" + m.month();
  }

  /** The kept closed UTC months of a service, by month. */
  private TreeMap<YearMonth, ClosedMonth> closedMonths(Service service) {
    TreeMap<YearMonth, ClosedMonth> out = new TreeMap<>();
    try (KeyValueIterator<String, byte[]> it =
        closedMonths.prefixScan(service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            ClosedMonth cm = ClosedMonth.fromBytes(kv.value);
            out.put(cm.closed().month(), cm);
          });
    }
    return out;
  }

  /**
   * Decides the account's contract month that ends in the closed UTC month, in the zone of the
   * version that governs it; true if a credit was issued.
   */
  private boolean decide(
      MonthClosed closed,
      String account,
      ContractHistory history,
      TreeMap<YearMonth, ClosedMonth> months) {
    boolean credited = false;
    Set<ZoneId> zones = new LinkedHashSet<>();
    history.versions().forEach(v -> zones.add(v.terms().zone()));
    for (ZoneId zone : zones) {
      ContractMonth cm = ContractMonth.endingIn(closed.month(), zone);
      Optional<Contract> governing = history.governing(cm);
      if (governing.isEmpty() || !governing.get().terms().zone().equals(zone)) {
        continue; // no contract then, or that month is another zone's
      }
      if (decided.get(decidedKey(closed.service(), account, cm.key())) != null) {
        continue; // decided already (a contract that changed its zone): once per month
      }
      YearMonth forgotten = months.lastKey().minusMonths(keepMonths);
      if (!cm.utcMonths().get(0).isAfter(forgotten)) {
        log.warn(
            "credits: {} {} of {} not decided: the UTC months it spans are no longer kept"
                + " (credits.keep.months)",
            closed.service(),
            cm.key(),
            account);
        continue;
      }
      Map<YearMonth, MonthClosed> spanned = new TreeMap<>();
      for (YearMonth utc : cm.utcMonths()) {
        ClosedMonth c = months.get(utc);
        if (c != null) {
          spanned.put(utc, c.closed());
        }
      }
      Service service = closed.service();
      Optional<MonthStatement> st =
          MonthStatement.of(service, cm, governing.get(), spanned, List.of(), closed.closedAt());
      if (st.isEmpty()) {
        continue;
      }
      Optional<SlaCredit> credit =
          CreditCalculator.credit(
              account, service, governing.get(), st.get(), st.get().incidentIds());
      credit.ifPresent(
          c ->
              context.forward(
                  new Record<>(account, new CreditOutput.Credit(c), closed.closedAt())));
      MonthStatement s = st.get();
      decided.put(
          decidedKey(service, account, cm.key()),
          new DecidedMonth(
                  s.closedAt(),
                  s.disputeUntil(),
                  s.availability().percentText(),
                  governing.get().targetPercent().toPlainString(),
                  s.availability().downtimeMs(),
                  s.incidentIds(),
                  governing.get().currency(),
                  governing.get().monthlyFeeMinor().get(service))
              .toBytes());
      context.forward(
          new Record<>(
              account,
              new CreditOutput.Statement(
                  CreditCalculator.statement(account, service, governing.get(), st.get())),
              closed.closedAt()));
      credited |= credit.isPresent();
    }
    return credited;
  }

  private static String decidedKey(Service service, String account, String month) {
    return service.name() + ":" + account + ":" + month;
  }

  /**
   * Forgets decided months whose dispute window ended more than {@code keepMonths} months before
   * this close: no adjustment for them can be valid any more.
   */
  private void forgetDecided(Service service, long closedAt) {
    long before = closedAt - Duration.ofDays(31L * keepMonths).toMillis();
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        decided.prefixScan(service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            if (DecidedMonth.fromBytes(kv.value).disputeUntil() < before) {
              gone.add(kv.key);
            }
          });
    }
    gone.forEach(decided::delete);
  }

  // --- adjustments: store keys "I:<SERVICE>:<id>" once issued, "P:<SERVICE>:<id>" while pending

  /**
   * An adjustment that passed its source checks: issued once per id if its month has been
   * decided and it was written within the month's dispute window; held until then if the month
   * has not been decided yet; else dead-lettered with the reason.
   */
  private void onAdjustment(Service service, OriginalRecord origin) {
    SlaAdjustment a = adjustmentValues.deserialize(origin.topic(), origin.value());
    String id = a.getAdjustmentId();
    // a newer version of a pending adjustment replaces it
    adjustments.delete("P:" + service.name() + ":" + id);
    if (adjustments.get("I:" + service.name() + ":" + id) != null) {
      log.info("credits: adjustment {} was issued before; this version changes nothing", id);
      return;
    }
    byte[] d = decided.get(decidedKey(service, a.getAccountId(), a.getMonth()));
    if (d == null) {
      if (writtenBeforeItsMonthCloses(service, a)) {
        reject(
            a,
            origin,
            List.of(
                "createdAt "
                    + a.getCreatedAt()
                    + " is before its month "
                    + a.getMonth()
                    + " closed: an adjustment settles a dispute about a closed month"));
        return;
      }
      adjustments.put(
          "P:" + service.name() + ":" + id,
          OriginSerde.serde().serializer().serialize(origin.topic(), origin));
      return;
    }
    issueAdjustment(service, a, DecidedMonth.fromBytes(d), origin);
  }

  /**
   * Whether an adjustment of a month not decided yet was written before that month can close, in
   * the zone of every version of the account's contract: then it can never be valid, and saying
   * so now does not depend on which was processed first. Without a contract, it waits.
   */
  private boolean writtenBeforeItsMonthCloses(Service service, SlaAdjustment a) {
    byte[] h = contracts.get(service.name() + ":" + a.getAccountId());
    if (h == null) {
      return false;
    }
    for (Contract v : ContractHistory.fromBytes(h).versions()) {
      ContractMonth cm = new ContractMonth(YearMonth.parse(a.getMonth()), v.terms().zone());
      List<YearMonth> utc = cm.utcMonths();
      long closesAt =
          utc.get(utc.size() - 1)
                  .plusMonths(1)
                  .atDay(1)
                  .atStartOfDay()
                  .toInstant(ZoneOffset.UTC)
                  .toEpochMilli()
              + monthGrace.toMillis();
      if (a.getCreatedAt().toEpochMilli() >= closesAt) {
        return false;
      }
    }
    return true;
  }

  /**
   * Issues the pending adjustments whose month has been decided. At the close of UTC month
   * {@code closed} (null when a contract arrived), one whose month can no longer be decided (the
   * UTC months it spans are older than the kept ones, and no statement was written: no contract
   * in force then lists the service) is rejected: it would wait for ever. Until then a contract
   * arriving late can still decide the month.
   */
  private void issuePending(Service service, YearMonth closed) {
    List<KeyValue<String, byte[]>> pending = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        adjustments.prefixScan("P:" + service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(pending::add);
    }
    for (KeyValue<String, byte[]> kv : pending) {
      OriginalRecord origin = OriginSerde.serde().deserializer().deserialize("", kv.value);
      SlaAdjustment a = adjustmentValues.deserialize(origin.topic(), origin.value());
      byte[] d = decided.get(decidedKey(service, a.getAccountId(), a.getMonth()));
      if (adjustments.get("I:" + service.name() + ":" + a.getAdjustmentId()) != null) {
        adjustments.delete(kv.key); // issued meanwhile under a newer version
      } else if (d != null) {
        adjustments.delete(kv.key);
        issueAdjustment(service, a, DecidedMonth.fromBytes(d), origin);
      } else if (closed != null
          && !lastUtcMonth(service, a).isAfter(closed.minusMonths(keepMonths))) {
        adjustments.delete(kv.key);
        reject(
            a,
            origin,
            List.of(
                "no statement of '"
                    + a.getAccountId()
                    + "' for "
                    + service
                    + " in "
                    + a.getMonth()
                    + ": no contract in force then lists the service"));
      }
    }
  }

  /**
   * The UTC month whose close decides the adjustment's month: the last it spans, in the zone of
   * the account's contract (the latest of its versions' zones; UTC without a contract).
   */
  private YearMonth lastUtcMonth(Service service, SlaAdjustment a) {
    YearMonth last = null;
    byte[] h = contracts.get(service.name() + ":" + a.getAccountId());
    List<ZoneId> zones = new ArrayList<>();
    if (h != null) {
      ContractHistory.fromBytes(h).versions().forEach(v -> zones.add(v.terms().zone()));
    }
    if (zones.isEmpty()) {
      zones.add(ZoneOffset.UTC);
    }
    for (ZoneId z : zones) {
      List<YearMonth> utc = new ContractMonth(YearMonth.parse(a.getMonth()), z).utcMonths();
      YearMonth l = utc.get(utc.size() - 1);
      last = last == null || l.isAfter(last) ? l : last;
    }
    return last;
  }

  private void issueAdjustment(
      Service service, SlaAdjustment a, DecidedMonth month, OriginalRecord origin) {
    List<String> problems =
        Adjustments.problems(
            a.getCreatedAt().toEpochMilli(),
            month.closedAt(),
            month.disputeUntil(),
            a.getCreditPercent(),
            a.getAmountMinor(),
            a.getCurrency(),
            month.currency());
    long amount =
        a.getCreditPercent() != null
            ? CreditRule.amountMinor(month.feeMinor(), a.getCreditPercent())
            : a.getAmountMinor();
    if (problems.isEmpty() && amount <= 0) {
      problems =
          List.of(
              a.getCreditPercent()
                  + " % of the month's fee "
                  + month.feeMinor()
                  + " rounds to 0: expected a credit above 0");
    }
    if (!problems.isEmpty()) {
      reject(a, origin, problems);
      return;
    }
    SlaCredit credit =
        SlaCredit.newBuilder()
            .setCreditId(Adjustments.creditId(a.getAdjustmentId()))
            .setAccountId(a.getAccountId())
            .setService(service)
            .setMonth(a.getMonth())
            .setAvailabilityPercent(month.availabilityPercent())
            .setTargetPercent(month.targetPercent())
            .setDowntimeMs(month.downtimeMs())
            .setCreditPercent(a.getCreditPercent() == null ? 0 : a.getCreditPercent())
            .setCreditAmountMinor(amount)
            .setCurrency(month.currency())
            .setIncidentIds(new ArrayList<>(month.incidentIds()))
            .setIssuedAt(a.getCreatedAt())
            .setKind(SlaCreditKind.ADJUSTMENT)
            .setAdjustmentId(a.getAdjustmentId())
            .build();
    adjustments.put("I:" + service.name() + ":" + a.getAdjustmentId(), new byte[] {1});
    context.forward(
        new Record<>(
            a.getAccountId(), new CreditOutput.Credit(credit), a.getCreatedAt().toEpochMilli()));
    log.info(
        "credits: adjustment {} issued: {} {} {} {} {}",
        a.getAdjustmentId(),
        a.getAccountId(),
        service,
        a.getMonth(),
        amount,
        month.currency());
  }

  /** The adjustment to dead-letters, as read at its source, with the reason. */
  private void reject(SlaAdjustment a, OriginalRecord origin, List<String> problems) {
    InvalidInputException e =
        new InvalidInputException(
            "invalid-adjustment",
            "sla-adjustments: adjustment '"
                + a.getAdjustmentId()
                + "' rejected: "
                + String.join("; ", problems));
    log.warn("{}", e.getMessage());
    DeadLetters.count(context.appConfigs(), origin.topic(), e.reason());
    context.forward(
        new Record<>(
            a.getAccountId(),
            new CreditOutput.Rejected(origin),
            a.getCreatedAt().toEpochMilli(),
            DeadLetters.headers(origin, e)));
  }
}
