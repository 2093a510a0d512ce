package dev.nines.simulate;

import dev.nines.schema.Channel;
import dev.nines.schema.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A traffic scenario: what the simulator produces, read from YAML (see docs/SCENARIOS.md).
 *
 * <p>Optional fields get their defaults in the compact constructors, so a scenario built in code
 * and one read from a file behave the same. Boxed types are used on purpose: a missing required
 * number stays {@code null} and {@link ScenarioValidator} can name it, instead of silently
 * becoming 0. Instances returned by {@link #load}, {@link #parse} and {@link #loadDefault} are
 * validated; one built by hand is validated by the {@link Simulator} constructor.
 */
public record Scenario(
    String name,
    Long seed,
    List<String> regions,
    List<String> vantages,
    List<Check> checks,
    Duration probeInterval,
    Double probeFailureRate,
    List<Route> routes,
    DailyShape dailyShape,
    FailureMix failureMix,
    Map<Channel, Latency> latency,
    Duplicates duplicates,
    Late late,
    List<Account> accounts,
    List<Window> maintenance,
    List<ScriptedEvent> events,
    List<Policy> policies) {

  /** Classpath location of the scenario behind {@code ./nines run}. */
  public static final String DEFAULT_RESOURCE = "scenarios/default.yaml";

  public static final long DEFAULT_SEED = 1L;
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(60);
  public static final double DEFAULT_PROBE_FAILURE_RATE = 0.001;

  public Scenario {
    seed = seed == null ? DEFAULT_SEED : seed;
    regions = listOrEmpty(regions);
    vantages = listOrEmpty(vantages);
    checks = listOrEmpty(checks);
    probeInterval = probeInterval == null ? DEFAULT_PROBE_INTERVAL : probeInterval;
    probeFailureRate = probeFailureRate == null ? DEFAULT_PROBE_FAILURE_RATE : probeFailureRate;
    dailyShape = dailyShape == null ? new DailyShape(null, null) : dailyShape;
    failureMix = failureMix == null ? FailureMix.DEFAULT : failureMix;
    latency = withDefaultLatencies(latency);
    duplicates = duplicates == null ? new Duplicates(null, null, null) : duplicates;
    late = late == null ? new Late(null, null, null) : late;
    maintenance = listOrEmpty(maintenance);
    events = listOrEmpty(events);
    policies = listOrEmpty(policies);
    // Routes and accounts that name no regions cover all of them; resolved here so nothing
    // downstream has to remember the rule.
    List<String> allRegions = regions;
    routes =
        listOrEmpty(routes).stream()
            .map(r -> r == null || r.regions() != null ? r : r.withRegions(allRegions))
            .toList(); // Stream.toList keeps null elements for the validator to report
    accounts =
        listOrEmpty(accounts).stream()
            .map(a -> a == null || a.regions() != null ? a : a.withRegions(allRegions))
            .toList();
  }

  /** Reads and validates a scenario file. */
  public static Scenario load(Path file) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return parse(yaml);
    } catch (ScenarioException e) {
      // The file name helps when several scenarios are around; the errors stay the same.
      throw new ScenarioException(file + ": " + e.getMessage(), e.errors());
    }
  }

  /** Parses and validates a scenario given as YAML text. */
  public static Scenario parse(String yaml) {
    Scenario scenario = ScenarioYaml.read(yaml);
    scenario.validate();
    return scenario;
  }

  /** The scenario shipped in the jar ({@value #DEFAULT_RESOURCE}), used by the embedded demo. */
  public static Scenario loadDefault() {
    try (InputStream in = Scenario.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + DEFAULT_RESOURCE + " is missing");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /**
   * Checks every field; throws {@link ScenarioException} naming each bad field and what would
   * be right.
   */
  public void validate() {
    List<String> errors = new ScenarioValidator(this).errors();
    if (!errors.isEmpty()) {
      throw new ScenarioException(String.join("; ", errors), errors);
    }
  }

  /** The failure mix that applies to a route: its own, else the scenario's. */
  public FailureMix failureMixOf(Route route) {
    return route.failureMix() != null ? route.failureMix() : failureMix;
  }

  /**
   * Every occurrence of every scripted event that overlaps [from, to), with {@code origin} as the
   * scenario start the events' offsets count from, sorted by start (then by event order). Tests
   * use this to compute their expectations without going through the generator.
   */
  public List<EventOccurrence> eventOccurrences(Instant origin, Instant from, Instant to) {
    List<EventOccurrence> all = new ArrayList<>();
    for (ScriptedEvent event : events) {
      all.addAll(event.occurrences(origin, from, to));
    }
    all.sort(Comparator.comparing(EventOccurrence::start)); // stable: ties keep event order
    return Collections.unmodifiableList(all);
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    // Not List.copyOf: a YAML "- " yields a null element, which the validator must report
    // with its index instead of failing here with a bare NullPointerException.
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  private static Map<Channel, Latency> withDefaultLatencies(Map<Channel, Latency> given) {
    Map<Channel, Latency> merged = new EnumMap<>(Channel.class);
    merged.putAll(Latency.DEFAULTS);
    if (given != null) {
      given.forEach(
          (channel, spec) -> {
            if (channel != null) {
              merged.put(channel, spec);
            }
          });
    }
    return Collections.unmodifiableMap(merged);
  }

  // ---------------------------------------------------------------------------------------------
  // Value types of the scenario file. Each is a plain record; rules live in ScenarioValidator.

  /** A synthetic check run from every vantage against every region once per probe interval. */
  public record Check(String name, Service service, CarrierPath carrier) {}

  /** The carrier path a check exercises: a route and one of its carriers. */
  public record CarrierPath(String country, Channel channel, String carrierId) {
    /** The route id {@code <country>:<channel>} of this path. */
    public String routeId() {
      return country + ":" + channel;
    }
  }

  /** A destination route with its carriers and how much traffic it carries. */
  public record Route(
      String country,
      Channel channel,
      List<Carrier> carriers,
      Double ratePerSecond,
      List<String> regions,
      FailureMix failureMix,
      String policy) {

    public Route {
      carriers =
          carriers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(carriers));
      regions = regions == null ? null : Collections.unmodifiableList(new ArrayList<>(regions));
    }

    /** The route id used as the route-plans key, e.g. {@code US:SMS}. */
    public String id() {
      return country + ":" + channel;
    }

    public Route(
        String country,
        Channel channel,
        List<Carrier> carriers,
        Double ratePerSecond,
        List<String> regions,
        FailureMix failureMix) {
      this(country, channel, carriers, ratePerSecond, regions, failureMix, null);
    }

    Route withRegions(List<String> newRegions) {
      return new Route(country, channel, carriers, ratePerSecond, newRegions, failureMix, policy);
    }
  }

  /**
   * A carrier of a route; disabled carriers get no simulated traffic (an operator drain), nor do
   * standby carriers ({@code priority} above the route's lowest): the simulator sends traffic as
   * a router does while the primary tier is healthy, whatever nines decides.
   */
  public record Carrier(
      String carrierId, Integer baseWeight, Boolean enabled, Integer priority, Boolean warm) {
    public Carrier {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      priority = priority == null ? 0 : priority;
      warm = warm == null ? Boolean.FALSE : warm;
    }

    public Carrier(String carrierId, Integer baseWeight, Boolean enabled) {
      this(carrierId, baseWeight, enabled, null, null);
    }
  }

  /** A routing-policies profile: {@code routing.*} settings that routes can name. */
  public record Policy(String name, Map<String, String> settings) {
    public Policy {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
  }

  /**
   * Sinusoidal daily variation of the receipt rate:
   * {@code rate × (1 + amplitude × cos(2π × (hourOfDayUtc − peakHourUtc) / 24))}.
   */
  public record DailyShape(Double amplitude, Double peakHourUtc) {
    public DailyShape {
      amplitude = amplitude == null ? 0.0 : amplitude;
      peakHourUtc = peakHourUtc == null ? 14.0 : peakHourUtc;
    }

    /** The rate multiplier at an instant (epoch milliseconds). */
    public double factorAt(long epochMillis) {
      double hourOfDay = Math.floorMod(epochMillis, 86_400_000L) / 3_600_000.0;
      return 1.0 + amplitude * StrictMath.cos(2 * Math.PI * (hourOfDay - peakHourUtc) / 24.0);
    }
  }

  /**
   * Probability of each outcome of a receipt. Missing failure probabilities are 0; a missing
   * {@code delivered} is the remainder, so a mix can name only the failures it cares about.
   */
  public record FailureMix(
      Double delivered,
      Double carrier,
      Double recipient,
      Double content,
      Double platform,
      Double expired,
      Double rejected) {

    public static final FailureMix DEFAULT =
        new FailureMix(0.962, 0.006, 0.02, 0.003, 0.002, 0.004, 0.003);

    public FailureMix {
      carrier = carrier == null ? 0.0 : carrier;
      recipient = recipient == null ? 0.0 : recipient;
      content = content == null ? 0.0 : content;
      platform = platform == null ? 0.0 : platform;
      expired = expired == null ? 0.0 : expired;
      rejected = rejected == null ? 0.0 : rejected;
    }

    /** Sum of every outcome but DELIVERED. */
    public double failureSum() {
      return carrier + recipient + content + platform + expired + rejected;
    }

    /** The DELIVERED probability: as given, else the remainder. */
    public double deliveredProbability() {
      return delivered != null ? delivered : 1.0 - failureSum();
    }
  }

  /** A log-normal latency (completedAt − submittedAt) given by its median and 99th percentile. */
  public record Latency(Double medianMs, Double p99Ms) {
    /** Used for a channel the scenario does not mention. */
    public static final Map<Channel, Latency> DEFAULTS =
        Map.of(
            Channel.SMS, new Latency(2_500.0, 20_000.0),
            Channel.MMS, new Latency(6_000.0, 45_000.0),
            Channel.VOICE, new Latency(3_500.0, 12_000.0));
  }

  /** Receipts re-sent with the same messageId and payload, shortly after the original. */
  public record Duplicates(Double fraction, Duration minDelay, Duration maxDelay) {
    public Duplicates {
      fraction = fraction == null ? 0.0 : fraction;
      minDelay = minDelay == null ? Duration.ZERO : minDelay;
      maxDelay = maxDelay == null ? Duration.ofSeconds(5) : maxDelay;
    }
  }

  /** Receipts emitted after their event time by a delay drawn uniformly in [minDelay, maxDelay]. */
  public record Late(Double fraction, Duration minDelay, Duration maxDelay) {
    public Late {
      fraction = fraction == null ? 0.0 : fraction;
      minDelay = minDelay == null ? Duration.ofSeconds(1) : minDelay;
      maxDelay = maxDelay == null ? Duration.ofMinutes(2) : maxDelay;
    }
  }

  /** An SLA contract to seed on {@code sla-contracts}. */
  public record Account(
      String accountId,
      String tier,
      String targetPercent,
      List<String> regions,
      List<Fee> services,
      String currency,
      List<CreditRow> creditSchedule,
      TimeRef effectiveFrom,
      TimeRef effectiveTo) {

    public Account {
      services =
          services == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(services));
      creditSchedule =
          creditSchedule == null
              ? List.of()
              : Collections.unmodifiableList(new ArrayList<>(creditSchedule));
      regions = regions == null ? null : Collections.unmodifiableList(new ArrayList<>(regions));
      currency = currency == null ? "USD" : currency;
    }

    Account withRegions(List<String> newRegions) {
      return new Account(
          accountId,
          tier,
          targetPercent,
          newRegions,
          services,
          currency,
          creditSchedule,
          effectiveFrom,
          effectiveTo);
    }
  }

  /** A service under contract and its monthly fee in minor units of the contract currency. */
  public record Fee(Service service, Long monthlyFeeMinor) {}

  /** A credit schedule row: {@code creditPercent} when availability is strictly below {@code belowPercent}. */
  public record CreditRow(String belowPercent, Integer creditPercent) {}

  /** A maintenance window to seed; start and end are offsets from the scenario start. */
  public record Window(String id, Service service, String region, Duration start, Duration end) {}
}
