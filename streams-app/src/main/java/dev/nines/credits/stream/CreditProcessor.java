package dev.nines.credits.stream;

import dev.nines.credits.ClosedMonth;
import dev.nines.credits.ContractHistory;
import dev.nines.credits.CreditCalculator;
import dev.nines.schema.Service;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.serde.Tagged;
import dev.nines.uptime.MonthClosed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
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
 * {@link MonthClosed}, issues the month's credits through {@link CreditCalculator}.
 *
 * <p>Input: {@link CreditInput}, a contract version (or, with a null value, the removal of an
 * account; already validated at the source) or a {@link MonthClosed}. Output:
 * {@link SlaCredit} keyed by account, with the record timestamp the month's close.
 *
 * <p>Closed months are kept ({@code credits.keep.months}): an account whose contract arrives
 * after its month closed (reference data and probes travel different partitions) is credited
 * when it arrives, so the credits do not depend on which was processed first. Each account is
 * decided once per closed month.
 *
 * <p>Exactly once: a month closes once per service, in the same transaction that records it as
 * finalized, so a credit is issued once; a crash before the commit replays the close and the
 * uncommitted credit is never seen by a {@code read_committed} reader.
 */
final class CreditProcessor implements Processor<String, CreditInput, String, SlaCredit> {
  private static final Logger log = LoggerFactory.getLogger(CreditProcessor.class);

  private final String storeName;
  private final String closedStoreName;
  private final int keepMonths;
  private ProcessorContext<String, SlaCredit> context;
  private KeyValueStore<String, byte[]> contracts;
  private KeyValueStore<String, byte[]> closedMonths;

  /**
   * @param keepMonths how many closed months per service are kept, so that a contract arriving
   *     after its month closed is still credited
   */
  CreditProcessor(String storeName, String closedStoreName, int keepMonths) {
    this.storeName = storeName;
    this.closedStoreName = closedStoreName;
    this.keepMonths = keepMonths;
  }

  @Override
  public void init(ProcessorContext<String, SlaCredit> context) {
    this.context = context;
    this.contracts = context.getStateStore(storeName);
    this.closedMonths = context.getStateStore(closedStoreName);
  }

  @Override
  public void process(Record<String, CreditInput> record) {
    if (record.value() instanceof CreditInput.Closed c) {
      issue(c.month());
    } else if (record.value() instanceof CreditInput.Contract c) {
      onContract(record.key(), c.contract());
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
    List<KeyValue<String, byte[]>> months = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        closedMonths.prefixScan(service + ":", new StringSerializer())) {
      it.forEachRemaining(months::add);
    }
    for (KeyValue<String, byte[]> kv : months) {
      ClosedMonth cm = ClosedMonth.fromBytes(kv.value);
      if (!cm.decided().contains(t.id())) {
        decide(cm.closed(), t.id(), update.history());
        closedMonths.put(kv.key, cm.withDecided(t.id()).toBytes());
      }
    }
  }

  private void issue(MonthClosed closed) {
    Service service = closed.service();
    List<KeyValue<String, byte[]>> accounts = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        contracts.prefixScan(service.name() + ":", new StringSerializer())) {
      it.forEachRemaining(accounts::add);
    }
    ClosedMonth cm = new ClosedMonth(closed, new TreeSet<>());
    int issued = 0;
    for (KeyValue<String, byte[]> kv : accounts) {
      String account = kv.key.substring(service.name().length() + 1);
      if (decide(closed, account, ContractHistory.fromBytes(kv.value))) {
        issued++;
      }
      cm = cm.withDecided(account);
    }
    closedMonths.put(service.name() + ":" + closed.month(), cm.toBytes());
    // keys sort by month within a service: drop the oldest beyond the kept number
    closedMonths.delete(service.name() + ":" + closed.month().minusMonths(keepMonths));
    log.info(
        "credits: {} {} closed; {} of {} accounts get a credit",
        service,
        closed.month(),
        issued,
        accounts.size());
  }

  /** Computes and, when above zero, issues one account's credit; true if one was issued. */
  private boolean decide(MonthClosed closed, String account, ContractHistory history) {
    List<String> evidence = new ArrayList<>();
    history
        .governing(closed.month())
        .ifPresent(
            c ->
                c.regions()
                    .forEach(
                        r -> {
                          MonthClosed.RegionMonth rm = closed.regions().get(r);
                          if (rm != null) {
                            evidence.addAll(rm.incidentIds());
                          }
                        }));
    Optional<SlaCredit> credit =
        CreditCalculator.credit(
            account,
            closed.service(),
            closed.month(),
            history,
            closed.chargedByRegion(),
            Map.of(),
            evidence,
            Instant.ofEpochMilli(closed.closedAt()));
    credit.ifPresent(c -> context.forward(new Record<>(account, c, closed.closedAt())));
    return credit.isPresent();
  }
}
