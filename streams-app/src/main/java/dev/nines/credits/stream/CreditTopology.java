package dev.nines.credits.stream;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.credits.ContractValidator;
import dev.nines.eventtime.Marked;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.TextLimit;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.serde.Tagged;
import dev.nines.uptime.ErrorRateHour;
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
 * SLA statements and credits, once per account, service and contract month.
 *
 * <pre>
 * INSERT INTO sla-statements, sla-credits
 * SELECT account, service, contract month, STATEMENT(...), CREDIT(schedule, availability)
 * FROM month-closed(service, UTC month, DOWN, maintenance versions, unobserved per region)
 *   JOIN sla-contracts VERSION IN FORCE AT the contract month's last millisecond (its zone)
 *   LEFT JOIN error-rate hours (account, regions covered; see ErrorRateTopology)
 * WHERE the contract month ends in the closed UTC month
 *   AND (no errorRateDowntime OR every by-carrier task has closed the month's hours)
 *   -- credits only: AND availability &lt; some schedule row AND amount &gt; 0
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
  public static final String DECIDED_STORE = "credit-decided-month-store";
  public static final String ADJUSTMENT_STORE = "credit-adjustment-store";
  public static final String ERROR_RATE_STORE = "credit-error-rate-store";

  public static void build(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits,
      KStream<String, MonthClosed> monthClosed,
      KStream<String, Marked<ErrorRateHour>> errorRateHours) {
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
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DECIDED_STORE), keys, Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ADJUSTMENT_STORE), keys, Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ERROR_RATE_STORE), keys, Serdes.ByteArray()));
    // adjustments: checked as read, then to their service's task with their original bytes
    KStream<String, CreditInput> adjustments =
        builder.stream(
                config.topics().name(Topics.SLA_ADJUSTMENTS),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                    .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                    .withName("adjustments-source"))
            .process(
                () ->
                    new AdjustmentSource(
                        Topics.SLA_ADJUSTMENTS.valueSerde(registry).deserializer(),
                        config.ingest().maxTextLength()),
                Named.as("adjustments-check"))
            .repartition(
                Repartitioned.with(keys, OriginSerde.serde())
                    .withName("credit-adjustments-by-service")
                    .withNumberOfPartitions(config.topics().partitions()))
            .mapValues(
                o -> (CreditInput) new CreditInput.Adjustment(o),
                Named.as("credit-adjustments-as-input"));
    KStream<String, CreditOutput> out =
        contracts
            .merge(
                monthClosed.mapValues(
                    m -> (CreditInput) new CreditInput.Closed(m),
                    Named.as("credit-months-as-input")),
                Named.as("credit-inputs"))
            .merge(adjustments, Named.as("credit-inputs-and-adjustments"))
            .merge(
                errorRateHours.mapValues(
                    m -> (CreditInput) new CreditInput.ErrorRate(m),
                    Named.as("credit-error-rate-as-input")),
                Named.as("credit-inputs-and-error-rate"))
            .process(
                () ->
                    new CreditProcessor(
                        new CreditProcessor.Stores(
                            CONTRACT_STORE,
                            CLOSED_STORE,
                            DECIDED_STORE,
                            ADJUSTMENT_STORE,
                            ERROR_RATE_STORE),
                        config.uptime().creditKeepMonths(),
                        config.uptime().monthGrace(),
                        Topics.SLA_ADJUSTMENTS.valueSerde(registry).deserializer(),
                        config.topics().partitions()),
                Named.as("credit-processor"),
                CONTRACT_STORE,
                CLOSED_STORE,
                DECIDED_STORE,
                ADJUSTMENT_STORE,
                ERROR_RATE_STORE);
    KStream<String, SlaCredit> credits =
        out.flatMapValues(
            o -> o instanceof CreditOutput.Credit c ? List.of(c.credit()) : List.<SlaCredit>of(),
            Named.as("credit-credits"));
    KStream<String, SlaStatement> statements =
        out.flatMapValues(
            o ->
                o instanceof CreditOutput.Statement st
                    ? List.of(st.statement())
                    : List.<SlaStatement>of(),
            Named.as("credit-statements"));
    // queryable view for the API: statements per service, account and month
    Views.statements(builder, statements);
    statements.to(
        config.topics().name(Topics.SLA_STATEMENTS),
        Produced.with(keys, Topics.SLA_STATEMENTS.outputSerde(registry, limits))
            .withName("sla-statements-sink"));
    out.flatMap(
            (account, o) ->
                o instanceof CreditOutput.Rejected r
                    ? List.of(KeyValue.pair(r.record().key(), r.record().value()))
                    : List.<KeyValue<byte[], byte[]>>of(),
            Named.as("credit-dead-letters"))
        .to(
            config.topics().name(Topics.DEAD_LETTERS),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName("credit-dead-letters-sink"));
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
