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
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.Watermark;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.OriginalRecord;
import dev.nines.ingest.stream.DeadLetters;
import dev.nines.schema.Service;
import dev.nines.schema.SlaAdjustment;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.serde.Tagged;
import dev.nines.uptime.ErrorRateDowntime;
import dev.nines.uptime.ErrorRateHour;
import dev.nines.uptime.HourCounts;
import dev.nines.uptime.Interval;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.stream.ErrorRateHours;
import dev.nines.uptime.stream.UptimeTopology;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
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
 * <p>Error-rate downtime: the by-carrier tasks send each account's UTC hours with a platform
 * failure, and their closing frontier ({@code ErrorRateTopology}). A closed month in which some
 * account's contract counts error-rate downtime is decided, as a whole, once that frontier has
 * passed the end of its contract months; later months wait behind it. So the statements of a
 * month come out together and in one order, whether the probes or the receipts came first.
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
  private KeyValueStore<String, byte[]> errorRate;
  private final int relayedUpstreams;
  // min over the by-carrier tasks' relayed marks (see ErrorRateTopology); cached from the store
  private ErrorRateHours hours;
  private boolean warnedMark;

  /** The processor's stores by name. */
  record Stores(
      String contracts, String closed, String decided, String adjustments, String errorRate) {}

  /**
   * @param keepMonths how many closed months per service are kept, so that a contract arriving
   *     after its month closed is still credited
   * @param monthGrace how long after its end a UTC month closes (uptime.month.grace)
   * @param relayedUpstreams how many by-carrier tasks relay the error-rate hours' watermarks
   */
  CreditProcessor(
      Stores stores,
      int keepMonths,
      Duration monthGrace,
      Deserializer<SlaAdjustment> adjustmentValues,
      int relayedUpstreams) {
    this.stores = stores;
    this.relayedUpstreams = relayedUpstreams;
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
    this.errorRate = context.getStateStore(stores.errorRate());
    this.hours = new ErrorRateHours(errorRate, relayedUpstreams);
  }

  @Override
  public void process(Record<String, CreditInput> record) {
    if (record.value() instanceof CreditInput.Closed c) {
      issue(c.month());
    } else if (record.value() instanceof CreditInput.Contract c) {
      onContract(record.key(), c.contract());
    } else if (record.value() instanceof CreditInput.Adjustment a) {
      onAdjustment(Service.valueOf(record.key()), a.record());
    } else if (record.value() instanceof CreditInput.ErrorRate e) {
      onErrorRate(record.key(), e.marked());
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
    if (errorRate.get("W:" + service) != null) {
      return; // months wait for the receipts: decided with them, this account included
    }
    // months of this service that closed before this account's contract was here
    TreeMap<YearMonth, ClosedMonth> months = closedMonths(Service.valueOf(service));
    for (ClosedMonth cm : months.values()) {
      if (!cm.decided().contains(t.id())) {
        Decision d = decide(cm.closed(), t.id(), update.history(), months);
        if (d.waiting()) {
          // this month and the later ones wait for the receipts, in month order
          waitFor(Service.valueOf(service), d.waitUntil(), false);
          break;
        }
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
    // A month with an account whose contract counts error-rate downtime waits, as a whole, for
    // the receipts up to its end (and so does every later month while one waits): its
    // statements and credits then come out together, in the same order, whichever came first.
    boolean earlierWaits = errorRate.get("W:" + service.name()) != null;
    long wait = Long.MAX_VALUE;
    for (int i = 0; i < accounts.size() && !earlierWaits; i++) {
      KeyValue<String, byte[]> kv = accounts.get(i);
      wait =
          Math.min(
              wait,
              waitNeeded(
                  closed,
                  kv.key.substring(service.name().length() + 1),
                  ContractHistory.fromBytes(kv.value)));
    }
    closedMonths.put(closedKey(closed), cm.toBytes());
    // keys sort by month within a service: drop the oldest beyond the kept number
    YearMonth dropped = closed.month().minusMonths(keepMonths);
    if (earlierWaits && months.containsKey(dropped)) {
      log.warn(
          "credits: {} {} is no longer kept (credits.keep.months = {}) and still waited for the"
              + " receipts up to its end: its accounts get no statement for it. The receipts lag"
              + " the probes by more than that; see the error-rate frontier ({})",
          service,
          dropped,
          keepMonths,
          time(hours.frontier()));
    }
    closedMonths.delete(service.name() + ":" + dropped);
    forgetHours(service, closed.month().minusMonths(keepMonths));
    forgetDecided(service, closed.closedAt());
    if (earlierWaits || wait != Long.MAX_VALUE) {
      if (!earlierWaits) {
        waitFor(service, wait, false);
      }
      log.info(
          "credits: {} {} closed; its statements wait for the receipts up to {} (error-rate"
              + " downtime; receipts counted up to {})",
          service,
          closed.month(),
          earlierWaits ? "an earlier month's end" : time(wait),
          time(hours.frontier()));
      return;
    }
    int issued = 0;
    for (KeyValue<String, byte[]> kv : accounts) {
      String account = kv.key.substring(service.name().length() + 1);
      Decision d = decide(closed, account, ContractHistory.fromBytes(kv.value), months);
      issued += d.credited() ? 1 : 0;
      cm = cm.withDecided(account);
    }
    closedMonths.put(closedKey(closed), cm.toBytes());
    issuePending(service, closed.month());
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
   * version that governs it; or, for a contract with error-rate downtime whose month's receipts
   * have not all been counted yet (the by-carrier tasks' frontier is before its end), waits.
   */
  private Decision decide(
      MonthClosed closed,
      String account,
      ContractHistory history,
      TreeMap<YearMonth, ClosedMonth> months) {
    boolean credited = false;
    long waitUntil = Long.MAX_VALUE;
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
      long needed = receiptsNeeded(governing.get(), cm);
      if (needed != Long.MAX_VALUE) {
        // decided when the error-rate frontier passes the month's end
        waitUntil = Math.min(waitUntil, needed);
        continue;
      }
      ErrorRateDowntime rule = governing.get().terms().errorRate();
      List<Interval> errorRateDown =
          rule == null
              ? List.of()
              : errorRateDown(service, account, cm, governing.get().regions(), rule);
      Optional<MonthStatement> st =
          MonthStatement.of(
              service, cm, governing.get(), spanned, errorRateDown, closed.closedAt());
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
    return new Decision(credited, waitUntil);
  }

  /**
   * The frontier the account's contract month ending in the closed UTC month waits for: its
   * end's hour when its governing contract counts error-rate downtime and the receipts are not
   * counted that far yet, else {@code Long.MAX_VALUE}.
   */
  private long waitNeeded(MonthClosed closed, String account, ContractHistory history) {
    long wait = Long.MAX_VALUE;
    Set<ZoneId> zones = new LinkedHashSet<>();
    history.versions().forEach(v -> zones.add(v.terms().zone()));
    for (ZoneId zone : zones) {
      ContractMonth cm = ContractMonth.endingIn(closed.month(), zone);
      Optional<Contract> governing = history.governing(cm);
      if (governing.isPresent()
          && governing.get().terms().zone().equals(zone)
          && decided.get(decidedKey(closed.service(), account, cm.key())) == null) {
        wait = Math.min(wait, receiptsNeeded(governing.get(), cm));
      }
    }
    return wait;
  }

  /**
   * The error-rate frontier a contract month waits for: its end's hour when its contract counts
   * error-rate downtime and the receipts are not counted that far yet, else {@code
   * Long.MAX_VALUE}.
   */
  private long receiptsNeeded(Contract governing, ContractMonth cm) {
    long end = ceilHour(cm.endMs());
    return governing.terms().errorRate() != null && hours.frontier() < end ? end : Long.MAX_VALUE;
  }

  /**
   * What {@link #decide} did: issued a credit; left a month waiting for the receipts up to
   * {@code waitUntil} (else {@code Long.MAX_VALUE}).
   */
  private record Decision(boolean credited, long waitUntil) {
    boolean waiting() {
      return waitUntil != Long.MAX_VALUE;
    }
  }

  // --- error-rate hours (ErrorRateHours): keys "H:<SERVICE>:<account length>:<account>:<hour,
  // 16 hex digits>:<region>"; and "W:<SERVICE>", the earliest frontier a waiting decision of
  // the service needs

  private static String accountPrefix(String service, String account) {
    return "H:" + service + ":" + account.length() + ":" + account + ":";
  }

  private static String hex(long t) {
    return ErrorRateHours.hex(t);
  }

  private void onErrorRate(String service, Marked<ErrorRateHour> m) {
    if (m instanceof Marked.Mark<ErrorRateHour> mark) {
      onErrorRateMark(mark.watermark());
      return;
    }
    ErrorRateHour h = ((Marked.Item<ErrorRateHour>) m).value();
    if (h.accountId() == null) {
      return; // the platform's count of a region: the ledger's
    }
    hours.add(
        accountPrefix(service, h.accountId()) + hex(h.hourStart()) + ":" + h.region(),
        h.hourStart(),
        h.counts());
  }

  private void onErrorRateMark(Watermark w) {
    if (w.partitions() != relayedUpstreams
        || w.partition() < 0
        || w.partition() >= relayedUpstreams) {
      if (warnedMark) {
        return;
      }
      warnedMark = true;
      log.warn(
          "credits: error-rate watermark of partition {} of {} ignored ({} partitions expected;"
              + " topics.partitions changed?); further ones are ignored silently",
          w.partition(),
          w.partitions(),
          relayedUpstreams);
      return;
    }
    if (hours.onMark(w)) {
      for (Service service : UptimeTopology.SERVICES) {
        decideWaiting(service);
      }
    }
  }

  /**
   * Decides the months that waited for the error-rate frontier, once it passed them: in month
   * order, each as a whole, stopping at the first that must still wait.
   */
  private void decideWaiting(Service service) {
    byte[] w = errorRate.get("W:" + service.name());
    if (w == null || ByteBuffer.wrap(w).getLong() > hours.frontier()) {
      return;
    }
    List<KeyValue<String, byte[]>> accounts = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        contracts.prefixScan(service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(accounts::add);
    }
    TreeMap<YearMonth, ClosedMonth> months = closedMonths(service);
    long next = Long.MAX_VALUE;
    for (ClosedMonth cm : months.values()) {
      List<KeyValue<String, ContractHistory>> open = new ArrayList<>();
      for (KeyValue<String, byte[]> kv : accounts) {
        String account = kv.key.substring(service.name().length() + 1);
        if (!cm.decided().contains(account)) {
          open.add(KeyValue.pair(account, ContractHistory.fromBytes(kv.value)));
        }
      }
      long wait = Long.MAX_VALUE;
      for (KeyValue<String, ContractHistory> a : open) {
        wait = Math.min(wait, waitNeeded(cm.closed(), a.key, a.value));
      }
      if (wait != Long.MAX_VALUE) {
        next = wait;
        break; // this month and the later ones wait on
      }
      ClosedMonth now = cm;
      for (KeyValue<String, ContractHistory> a : open) {
        decide(cm.closed(), a.key, a.value, months);
        now = now.withDecided(a.key);
      }
      if (now != cm) {
        closedMonths.put(closedKey(cm.closed()), now.toBytes());
        issuePending(service, cm.closed().month());
        log.info(
            "credits: {} {} decided, the receipts up to its end counted",
            service,
            now.closed().month());
      }
    }
    waitFor(service, next, true);
  }

  /** Records the earliest frontier a waiting decision needs ({@code replace}: or clears it). */
  private void waitFor(Service service, long until, boolean replace) {
    byte[] old = errorRate.get("W:" + service.name());
    long now = old == null || replace ? Long.MAX_VALUE : ByteBuffer.wrap(old).getLong();
    long next = Math.min(now, until);
    if (next == Long.MAX_VALUE) {
      errorRate.delete("W:" + service.name());
    } else {
      errorRate.put("W:" + service.name(), ByteBuffer.allocate(8).putLong(next).array());
    }
  }

  /**
   * The account's error-rate periods over its threshold in the contract month, from the hours
   * of the regions its contract covers (summed over regions, as "the account's receipts in the
   * regions covered").
   */
  private List<Interval> errorRateDown(
      Service service,
      String account,
      ContractMonth cm,
      Collection<String> regions,
      ErrorRateDowntime rule) {
    Map<Long, ErrorRateDowntime.Counts> byPeriod = new TreeMap<>();
    String prefix = accountPrefix(service.name(), account);
    long from = cm.startMs() - Math.floorMod(cm.startMs(), HourCounts.HOUR_MS);
    hours.forEach(
        prefix + hex(from),
        prefix + hex(cm.endMs()),
        (key, counts) -> {
          String rest = key.substring(prefix.length());
          if (regions.contains(rest.substring(17))) {
            counts.addTo(Long.parseUnsignedLong(rest.substring(0, 16), 16), rule, byPeriod);
          }
        });
    return rule.downtime(byPeriod);
  }

  /**
   * Forgets the hours no kept month can use: those before the month after {@code forgotten},
   * less a day (a contract month in a zone east of UTC starts before its UTC month).
   */
  private void forgetHours(Service service, YearMonth forgotten) {
    long before =
        forgotten.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()
            - Duration.ofDays(1).toMillis();
    String prefix = "H:" + service.name() + ":";
    // the prefix, "<account length>:<account>:", the hour as 16 hex digits, ":<region>"
    hours.forget(
        prefix,
        before,
        key -> {
          String rest = key.substring(prefix.length());
          int colon = rest.indexOf(':');
          int hourAt = colon + 1 + Integer.parseInt(rest.substring(0, colon)) + 1;
          return Long.parseUnsignedLong(rest.substring(hourAt, hourAt + 16), 16);
        });
  }

  private static long ceilHour(long t) {
    long r = Math.floorMod(t, HourCounts.HOUR_MS);
    return r == 0 ? t : t - r + HourCounts.HOUR_MS;
  }

  private static String time(long t) {
    return t == Long.MIN_VALUE ? "none yet" : Instant.ofEpochMilli(t).toString();
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
