package dev.nines.simulate;

import dev.nines.schema.Channel;
import dev.nines.schema.Service;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules of a scenario. Each broken rule becomes one line
 * {@code scenario <field path> = <value>: <what would be right>}; the whole scenario is checked
 * so a user sees every problem at once, not one per run.
 */
final class ScenarioValidator {
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  /** Names end up inside keys such as {@code <country>:<channel>:<carrierId>}: no ':' or spaces. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final double SUM_TOLERANCE = 1e-6;

  private final Scenario s;
  private final List<String> errors = new ArrayList<>();

  /** Valid routes by id, for the checks and events that refer to them. */
  private final Map<String, Scenario.Route> routes = new LinkedHashMap<>();

  ScenarioValidator(Scenario scenario) {
    this.s = scenario;
    regionsAndVantages();
    policies();
    routes();
    mix("failureMix", s.failureMix());
    checks();
    probes();
    dailyShape();
    latency();
    duplicatesAndLate();
    accounts();
    maintenance();
    events();
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  private void regionsAndVantages() {
    if (s.regions().isEmpty()) {
      fail(
          "regions",
          s.regions(),
          "must list at least one platform region, e.g. [us-east, eu-west]");
    }
    names("regions", s.regions(), "region");
    if (!s.checks().isEmpty() && s.vantages().isEmpty()) {
      fail("vantages", s.vantages(), "must list at least one vantage when checks are given");
    }
    names("vantages", s.vantages(), "vantage");
  }

  /** Names of the scenario's routing policy profiles. */
  private final Set<String> policies = new LinkedHashSet<>();

  private void policies() {
    for (int i = 0; i < s.policies().size(); i++) {
      String p = "policies[" + i + "]";
      Scenario.Policy policy = s.policies().get(i);
      if (policy == null) {
        fail(p, null, "must be a mapping with name and settings");
        continue;
      }
      if (name(p + ".name", policy.name(), "policy") && !policies.add(policy.name())) {
        fail(p + ".name", policy.name(), "duplicate policy name");
      }
      settings(p + ".settings", policy.settings());
    }
  }

  /** Only routing.* keys; their values are checked by nines itself (dead-letters). */
  private void settings(String p, Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (!key.startsWith("routing.")) {
        fail(p, key, "must hold routing.* keys only, e.g. routing.eject.success.below");
      }
    }
  }

  private void routes() {
    for (int i = 0; i < s.routes().size(); i++) {
      String p = "routes[" + i + "]";
      Scenario.Route r = s.routes().get(i);
      if (r == null) {
        fail(p, null, "must be a mapping with country, channel, carriers and ratePerSecond");
        continue;
      }
      boolean country = country(p + ".country", r.country());
      boolean channel = channel(p + ".channel", r.channel());
      if (country && channel && routes.putIfAbsent(r.id(), r) != null) {
        fail(p, r.id(), "duplicate route: each country and channel may appear once");
      }
      carriers(p + ".carriers", r.carriers());
      Double rate = r.ratePerSecond();
      if (rate == null || !Double.isFinite(rate) || rate < 0) {
        fail(p + ".ratePerSecond", rate, "must be a number >= 0 (receipts per second)");
      }
      regionList(p + ".regions", r.regions());
      if (r.failureMix() != null) {
        mix(p + ".failureMix", r.failureMix());
      }
      if (r.policy() != null && !policies.contains(r.policy())) {
        fail(
            p + ".policy",
            r.policy(),
            "must name a profile of the scenario's policies: " + String.join(", ", policies));
      }
    }
  }

  private void carriers(String p, List<Scenario.Carrier> carriers) {
    if (carriers.isEmpty()) {
      fail(p, carriers, "must list at least one carrier");
      return;
    }
    Set<String> ids = new HashSet<>();
    boolean anyEnabled = false;
    for (int j = 0; j < carriers.size(); j++) {
      String cp = p + "[" + j + "]";
      Scenario.Carrier c = carriers.get(j);
      if (c == null) {
        fail(cp, null, "must be a mapping with carrierId, baseWeight and enabled");
        continue;
      }
      if (name(cp + ".carrierId", c.carrierId(), "carrier") && !ids.add(c.carrierId())) {
        fail(cp + ".carrierId", c.carrierId(), "duplicate carrier in this route");
      }
      if (c.baseWeight() == null) {
        fail(cp + ".baseWeight", null, "must be set to a whole number > 0");
      } else if (c.baseWeight() <= 0) {
        fail(cp + ".baseWeight", c.baseWeight(), "must be > 0");
      }
      if (c.priority() < 0) {
        fail(cp + ".priority", c.priority(), "must be 0 (primary) or more (1 = first standby)");
      }
      anyEnabled |= c.enabled();
    }
    if (!anyEnabled) {
      fail(
          p,
          carriers.stream().filter(c -> c != null).map(Scenario.Carrier::carrierId).toList(),
          "at least one carrier must be enabled (enabled: false drains a carrier)");
    }
  }

  private void mix(String p, Scenario.FailureMix m) {
    int before = errors.size();
    if (m.delivered() != null) {
      probability(p + ".delivered", m.delivered());
    }
    probability(p + ".carrier", m.carrier());
    probability(p + ".recipient", m.recipient());
    probability(p + ".content", m.content());
    probability(p + ".platform", m.platform());
    probability(p + ".expired", m.expired());
    probability(p + ".rejected", m.rejected());
    if (errors.size() > before) {
      return;
    }
    double failures = m.failureSum();
    if (m.delivered() != null) {
      double sum = m.delivered() + failures;
      if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
        fail(
            p,
            raw(
                "delivered "
                    + num(m.delivered())
                    + " + failures "
                    + num(failures)
                    + " = "
                    + num(sum)),
            "must sum to 1 (or leave delivered out to make it the remainder)");
      }
    } else if (failures > 1.0 + SUM_TOLERANCE) {
      fail(
          p,
          raw("failures " + num(failures)),
          "must sum to at most 1 (delivered is the remainder)");
    }
  }

  private void checks() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.checks().size(); i++) {
      String p = "checks[" + i + "]";
      Scenario.Check c = s.checks().get(i);
      if (c == null) {
        fail(p, null, "must be a mapping with name, service and optionally carrier");
        continue;
      }
      if (name(p + ".name", c.name(), "check") && !seen.add(c.name())) {
        fail(p + ".name", c.name(), "duplicate check name");
      }
      service(p + ".service", c.service());
      Scenario.CarrierPath path = c.carrier();
      if (path != null) {
        boolean country = country(p + ".carrier.country", path.country());
        boolean channel = channel(p + ".carrier.channel", path.channel());
        if (country && channel) {
          carrierOfRoute(
              p + ".carrier", path.routeId(), p + ".carrier.carrierId", path.carrierId());
        }
      }
    }
  }

  private void probes() {
    Duration interval = s.probeInterval();
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      fail("probeInterval", interval, "must be at least PT1S");
    } else if (interval.getNano() % 1_000_000 != 0) {
      fail("probeInterval", interval, "must be a whole number of milliseconds");
    }
    probability("probeFailureRate", s.probeFailureRate());
  }

  private void dailyShape() {
    Double a = s.dailyShape().amplitude();
    if (a.isNaN() || a < 0 || a >= 1) {
      fail(
          "dailyShape.amplitude",
          a,
          "must be >= 0 and < 1 (at 1 the rate would drop to 0 at the trough)");
    }
    Double h = s.dailyShape().peakHourUtc();
    if (h.isNaN() || h < 0 || h >= 24) {
      fail("dailyShape.peakHourUtc", h, "must be an hour of day >= 0 and < 24");
    }
  }

  private void latency() {
    s.latency()
        .forEach(
            (channel, spec) -> {
              String p = "latency." + channel;
              if (channel == Channel.UNKNOWN) {
                fail("latency", raw(channel.toString()), "keys must be one of SMS, MMS, VOICE");
                return;
              }
              if (spec == null) {
                fail(p, null, "must give medianMs and p99Ms");
                return;
              }
              Double median = spec.medianMs();
              if (median == null || !Double.isFinite(median) || median <= 0) {
                fail(p + ".medianMs", median, "must be > 0 (milliseconds)");
              } else if (spec.p99Ms() == null
                  || !Double.isFinite(spec.p99Ms())
                  || spec.p99Ms() < median) {
                fail(p + ".p99Ms", spec.p99Ms(), "must be >= medianMs (" + num(median) + ")");
              }
            });
  }

  private void duplicatesAndLate() {
    Scenario.Duplicates d = s.duplicates();
    probability("duplicates.fraction", d.fraction());
    if (d.minDelay().isNegative()) {
      fail("duplicates.minDelay", d.minDelay(), "must not be negative");
    } else if (d.maxDelay().compareTo(d.minDelay()) < 0) {
      fail("duplicates.maxDelay", d.maxDelay(), "must be >= minDelay (" + d.minDelay() + ")");
    }
    Scenario.Late l = s.late();
    probability("late.fraction", l.fraction());
    if (l.minDelay().toMillis() <= 0) {
      fail(
          "late.minDelay",
          l.minDelay(),
          "must be at least PT0.001S: a late receipt is emitted after its event time");
    } else if (l.maxDelay().compareTo(l.minDelay()) < 0) {
      fail("late.maxDelay", l.maxDelay(), "must be >= minDelay (" + l.minDelay() + ")");
    }
  }

  private void accounts() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.accounts().size(); i++) {
      String p = "accounts[" + i + "]";
      Scenario.Account a = s.accounts().get(i);
      if (a == null) {
        fail(
            p,
            null,
            "must be a mapping with accountId, tier, targetPercent, services and creditSchedule");
        continue;
      }
      if (name(p + ".accountId", a.accountId(), "account") && !seen.add(a.accountId())) {
        fail(p + ".accountId", a.accountId(), "duplicate account");
      }
      if (a.tier() == null || a.tier().isBlank()) {
        fail(p + ".tier", a.tier(), "must be set, e.g. gold");
      }
      percent(p + ".targetPercent", a.targetPercent());
      regionList(p + ".regions", a.regions());
      fees(p + ".services", a.services());
      if (!CURRENCY.matcher(a.currency()).matches() || !isCurrency(a.currency())) {
        fail(p + ".currency", a.currency(), "must be an ISO 4217 currency code such as USD");
      }
      creditSchedule(p + ".creditSchedule", a.creditSchedule());
      TimeRef from = a.effectiveFrom();
      TimeRef to = a.effectiveTo();
      if (from != null && to != null) {
        // An instant and an offset can only be compared once the start is known (Simulator.seed).
        boolean ordered =
            from.instant() != null && to.instant() != null
                ? to.instant().isAfter(from.instant())
                : from.offset() == null
                    || to.offset() == null
                    || to.offset().compareTo(from.offset()) > 0;
        if (!ordered) {
          fail(p + ".effectiveTo", to, "must be after effectiveFrom (" + from + ")");
        }
      }
    }
  }

  private void fees(String p, List<Scenario.Fee> fees) {
    if (fees.isEmpty()) {
      fail(p, fees, "must list at least one service with its monthlyFeeMinor");
      return;
    }
    Set<Service> seen = new HashSet<>();
    for (int j = 0; j < fees.size(); j++) {
      String fp = p + "[" + j + "]";
      Scenario.Fee f = fees.get(j);
      if (f == null) {
        fail(fp, null, "must be a mapping with service and monthlyFeeMinor");
        continue;
      }
      if (service(fp + ".service", f.service()) && !seen.add(f.service())) {
        fail(fp + ".service", f.service(), "duplicate service in this contract");
      }
      if (f.monthlyFeeMinor() == null || f.monthlyFeeMinor() < 0) {
        fail(
            fp + ".monthlyFeeMinor",
            f.monthlyFeeMinor(),
            "must be a whole number >= 0 (minor units, e.g. cents)");
      }
    }
  }

  private void creditSchedule(String p, List<Scenario.CreditRow> rows) {
    Set<BigDecimal> seen = new HashSet<>();
    for (int j = 0; j < rows.size(); j++) {
      String rp = p + "[" + j + "]";
      Scenario.CreditRow row = rows.get(j);
      if (row == null) {
        fail(rp, null, "must be a mapping with belowPercent and creditPercent");
        continue;
      }
      BigDecimal below = percent(rp + ".belowPercent", row.belowPercent());
      if (below != null && !seen.add(below.stripTrailingZeros())) {
        fail(rp + ".belowPercent", row.belowPercent(), "duplicate belowPercent in this schedule");
      }
      Integer credit = row.creditPercent();
      if (credit == null || credit < 1 || credit > 100) {
        fail(rp + ".creditPercent", credit, "must be a whole number between 1 and 100");
      }
    }
  }

  private void maintenance() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.maintenance().size(); i++) {
      String p = "maintenance[" + i + "]";
      Scenario.Window w = s.maintenance().get(i);
      if (w == null) {
        fail(p, null, "must be a mapping with id, service, region, start and end");
        continue;
      }
      if (name(p + ".id", w.id(), "window") && !seen.add(w.id())) {
        fail(p + ".id", w.id(), "duplicate window id");
      }
      service(p + ".service", w.service());
      region(p + ".region", w.region());
      interval(p, w.start(), w.end(), false);
    }
  }

  private void events() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.events().size(); i++) {
      String p = "events[" + i + "]";
      ScriptedEvent e = s.events().get(i);
      if (e == null) {
        fail(p, null, "must be a mapping with name, start, end and one of " + KINDS);
        continue;
      }
      if (name(p + ".name", e.name(), "event") && !seen.add(e.name())) {
        fail(p + ".name", e.name(), "duplicate event name");
      }
      if (interval(p, e.start(), e.end(), true) && e.repeatEvery() != null) {
        Duration length = e.end().minus(e.start());
        if (e.repeatEvery().compareTo(length) < 0 || e.repeatEvery().toMillis() <= 0) {
          fail(
              p + ".repeatEvery",
              e.repeatEvery(),
              "must be at least the event's length (" + length + ") so occurrences do not overlap");
        }
      }
      int kinds =
          (e.carrierDegradation() == null ? 0 : 1)
              + (e.serviceOutage() == null ? 0 : 1)
              + (e.carrierAdded() == null ? 0 : 1)
              + (e.policyChange() == null ? 0 : 1)
              + (e.probesStop() == null ? 0 : 1);
      if (kinds != 1) {
        fail(p, raw(kinds == 0 ? "none" : kinds + " kinds"), "must have exactly one of " + KINDS);
      } else if (e.carrierDegradation() != null) {
        degradation(p + ".carrierDegradation", e.carrierDegradation());
      } else if (e.serviceOutage() != null) {
        outage(p + ".serviceOutage", e.serviceOutage());
      } else if (e.probesStop() != null) {
        outage(p + ".probesStop", e.probesStop());
      } else if (e.carrierAdded() != null) {
        added(p + ".carrierAdded", e.carrierAdded());
      } else {
        String cp = p + ".policyChange";
        if (name(cp + ".name", e.policyChange().name(), "policy")) {
          settings(cp + ".settings", e.policyChange().settings());
        }
      }
    }
  }

  private static final String KINDS =
      "carrierDegradation, serviceOutage, carrierAdded, policyChange, probesStop";

  private void added(String p, ScriptedEvent.CarrierAdded a) {
    if (a.route() == null || !routes.containsKey(a.route())) {
      fail(
          p + ".route",
          a.route(),
          "must be the id <country>:<channel> of a route: " + String.join(", ", routes.keySet()));
    } else if (name(p + ".carrierId", a.carrierId(), "carrier")
        && routes.get(a.route()).carriers().stream()
            .anyMatch(c -> c != null && a.carrierId().equals(c.carrierId()))) {
      fail(p + ".carrierId", a.carrierId(), "is already in the route: expected a new carrier");
    }
    if (a.baseWeight() == null || a.baseWeight() <= 0) {
      fail(p + ".baseWeight", a.baseWeight(), "must be a whole number > 0");
    }
    if (a.priority() < 0) {
      fail(p + ".priority", a.priority(), "must be 0 (primary) or more (1 = first standby)");
    }
  }

  private void degradation(String p, ScriptedEvent.CarrierDegradation d) {
    if (d.route() == null || !routes.containsKey(d.route())) {
      fail(
          p + ".route",
          d.route(),
          "must be the id <country>:<channel> of a route: " + String.join(", ", routes.keySet()));
    } else {
      boolean added =
          s.events().stream()
              .anyMatch(
                  e ->
                      e != null
                          && e.carrierAdded() != null
                          && d.route().equals(e.carrierAdded().route())
                          && d.carrierId() != null
                          && d.carrierId().equals(e.carrierAdded().carrierId()));
      if (!added) {
        carrierOfRoute(p, d.route(), p + ".carrierId", d.carrierId());
      }
    }
    probability(p + ".successRate", d.successRate());
    if (d.extraLatencyMs() < 0) {
      fail(p + ".extraLatencyMs", d.extraLatencyMs(), "must be >= 0");
    }
  }

  private void outage(String p, ScriptedEvent.ServiceOutage o) {
    service(p + ".service", o.service());
    region(p + ".region", o.region());
    for (int j = 0; j < o.vantages().size(); j++) {
      String v = o.vantages().get(j);
      if (v == null || !s.vantages().contains(v)) {
        fail(
            p + ".vantages[" + j + "]",
            v,
            "must be one of the scenario vantages: " + String.join(", ", s.vantages()));
      }
    }
  }

  // --- shared rules ------------------------------------------------------------------------------

  /** start/end offsets of a window or event; returns whether both are usable. */
  private boolean interval(String p, Duration start, Duration end, boolean nonNegativeStart) {
    boolean ok = true;
    if (start == null || (nonNegativeStart && start.isNegative())) {
      fail(
          p + ".start",
          start,
          "must be an ISO-8601 duration "
              + (nonNegativeStart ? ">= PT0S " : "")
              + "from the scenario start, such as PT5M");
      ok = false;
    }
    if (end == null) {
      fail(p + ".end", null, "must be an ISO-8601 duration from the scenario start, such as PT10M");
      ok = false;
    } else if (ok && end.compareTo(start) <= 0) {
      fail(p + ".end", end, "must be after start (" + start + ")");
      ok = false;
    }
    return ok;
  }

  private void carrierOfRoute(
      String routePath, String routeId, String carrierPath, String carrierId) {
    Scenario.Route route = routes.get(routeId);
    if (route == null) {
      fail(routePath, raw(routeId), "no such route; routes: " + String.join(", ", routes.keySet()));
      return;
    }
    List<String> ids =
        route.carriers().stream().filter(c -> c != null).map(Scenario.Carrier::carrierId).toList();
    if (carrierId == null || !ids.contains(carrierId)) {
      fail(
          carrierPath,
          carrierId,
          "must be a carrier of route " + routeId + ": " + String.join(", ", ids));
    }
  }

  private void regionList(String p, List<String> list) {
    if (list == null || list.isEmpty()) {
      fail(p, list, "must list at least one region (or be left out for all regions)");
      return;
    }
    for (int j = 0; j < list.size(); j++) {
      region(p + "[" + j + "]", list.get(j));
    }
  }

  private void region(String p, String region) {
    if (region == null || !s.regions().contains(region)) {
      fail(p, region, "must be one of the scenario regions: " + String.join(", ", s.regions()));
    }
  }

  private void names(String p, List<String> list, String what) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (name(p + "[" + i + "]", list.get(i), what) && !seen.add(list.get(i))) {
        fail(p + "[" + i + "]", list.get(i), "duplicate " + what);
      }
    }
  }

  private boolean name(String p, String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      fail(p, value, "must be a " + what + " name of letters, digits, '.', '_' or '-'");
      return false;
    }
    return true;
  }

  private boolean country(String p, String value) {
    if (value == null || !COUNTRIES.contains(value)) {
      fail(p, value, "must be an ISO 3166-1 alpha-2 country code such as US");
      return false;
    }
    return true;
  }

  private boolean channel(String p, Channel value) {
    if (value == null || value == Channel.UNKNOWN) {
      fail(p, value, "must be one of SMS, MMS, VOICE");
      return false;
    }
    return true;
  }

  private boolean service(String p, Service value) {
    if (value == null || value == Service.UNKNOWN) {
      fail(p, value, "must be one of SMS, VOICE, VERIFY");
      return false;
    }
    return true;
  }

  private void probability(String p, Double value) {
    if (value == null || value.isNaN() || value < 0 || value > 1) {
      fail(p, value, "must be a probability between 0 and 1");
    }
  }

  /** A decimal percent string in (0, 100]; returns it parsed, or null after reporting. */
  private BigDecimal percent(String p, String value) {
    BigDecimal d = null;
    try {
      d = value == null ? null : new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      // reported below
    }
    if (d == null || d.signum() <= 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
      fail(p, value, "must be a decimal percent > 0 and <= 100 such as \"99.95\"");
      return null;
    }
    return d;
  }

  private static boolean isCurrency(String code) {
    try {
      Currency.getInstance(code);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void fail(String path, Object value, String rule) {
    errors.add("scenario " + path + " = " + show(value) + ": " + rule);
  }

  /** A value already phrased for the message (no quotes). */
  private record Raw(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private static Raw raw(String text) {
    return new Raw(text);
  }

  private static String show(Object value) {
    if (value == null) {
      return "(missing)";
    }
    if (value instanceof String str) {
      return "\"" + str + "\"";
    }
    if (value instanceof Double d) {
      return num(d);
    }
    if (value instanceof Collection<?> c) {
      return c.stream().map(ScenarioValidator::show).collect(Collectors.joining(", ", "[", "]"));
    }
    return value.toString();
  }

  /** 0.4 rather than 0.4000000000000001 noise where possible; -5 rather than -5.0. */
  private static String num(double d) {
    if (!Double.isFinite(d)) {
      return Double.toString(d);
    }
    return BigDecimal.valueOf(d).round(new MathContext(12)).stripTrailingZeros().toPlainString();
  }
}
