package dev.nines.credits.stream;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.credits.ContractValidator;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.TextLimit;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.serde.Tagged;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.stream.UptimeTopology;
import dev.nines.views.Views;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * SLA credits, once per account, service and closed month.
 *
 * <pre>
 * INSERT INTO sla-credits
 * SELECT account, service, month, CREDIT(schedule, availability)
 * FROM month-closed(service, month, DOWN outside maintenance per region)
 *   JOIN sla-contracts VERSION IN FORCE AT month's last millisecond
 * WHERE availability &lt; some schedule row AND amount &gt; 0
 * </pre>
 *
 * <p>Contracts are checked at the source (an invalid version goes to dead-letters with the
 * reason, and the previous version stays in force), then sent to every service's task, so each
 * service holds the full version history of every account.
 */
public final class CreditTopology {
  private CreditTopology() {}

  public static final String CONTRACT_STORE = "credit-contract-store";
  public static final String CLOSED_STORE = "credit-closed-month-store";

  public static void build(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits,
      KStream<String, MonthClosed> monthClosed) {
    Serde<String> keys = Serdes.String();
    KStream<String, CreditInput> contracts =
        builder.stream(
                config.topics().name(Topics.SLA_CONTRACTS),
                Consumed.with(keys, Topics.SLA_CONTRACTS.valueSerde(registry))
                    .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                    .withName("contracts-source"))
            .flatMap(
                (account, c) -> contractToServices(account, c, config.ingest().maxTextLength()),
                Named.as("contracts-check-and-fan-out"))
            .repartition(
                Repartitioned.with(keys, Tagged.serde(Topics.SLA_CONTRACTS.valueSerde(registry)))
                    .withName("credit-contracts-by-service")
                    .withNumberOfPartitions(config.topics().partitions()))
            .mapValues(
                t -> (CreditInput) new CreditInput.Contract(t),
                Named.as("credit-contracts-as-input"));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CONTRACT_STORE), keys, Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CLOSED_STORE), keys, Serdes.ByteArray()));
    KStream<String, SlaCredit> credits =
        contracts
            .merge(
                monthClosed.mapValues(
                    m -> (CreditInput) new CreditInput.Closed(m),
                    Named.as("credit-months-as-input")),
                Named.as("credit-inputs"))
            .process(
                () ->
                    new CreditProcessor(
                        CONTRACT_STORE, CLOSED_STORE, config.uptime().creditKeepMonths()),
                Named.as("credit-processor"),
                CONTRACT_STORE,
                CLOSED_STORE);
    credits.to(
        config.topics().name(Topics.SLA_CREDITS),
        Produced.with(keys, Topics.SLA_CREDITS.outputSerde(registry, limits))
            .withName("sla-credits-sink"));
    // queryable view for the API: credits per service, account and month
    Views.credits(builder, credits);
  }

  /** A valid contract version (or a tombstone) to every service; an invalid one is rejected. */
  static List<KeyValue<String, Tagged<SlaContract>>> contractToServices(
      String account, SlaContract c, int maxTextLength) {
    if (account == null || account.isBlank()) {
      throw new InvalidInputException("sla-contracts: record without an accountId key");
    }
    if (c != null) {
      List<String> problems = new ArrayList<>(ContractValidator.problems(c));
      var tooLong = TextLimit.check(c, maxTextLength);
      tooLong.ifPresent(p -> problems.add(p.text()));
      if (problems.isEmpty() && !account.equals(c.getAccountId())) {
        problems.add(
            "key '"
                + account
                + "' differs from accountId '"
                + c.getAccountId()
                + "': expected the record keyed by its accountId");
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(
            "sla-contracts: contract of '"
                + account
                + "' rejected, the previous version stays in force: "
                + String.join("; ", problems));
      }
    }
    return UptimeTopology.SERVICES.stream()
        .map(s -> KeyValue.pair(s.name(), new Tagged<>(account, c)))
        .toList();
  }
}
