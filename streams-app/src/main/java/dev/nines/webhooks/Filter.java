package dev.nines.webhooks;

import java.util.Set;

/**
 * Which notifications an endpoint wants; an empty set means all. Pure.
 *
 * @param services services, e.g. SMS
 * @param regions platform regions
 * @param kinds what happened
 * @param minSeverity the least severity delivered; a resolution goes wherever its opening went
 */
public record Filter(
    Set<String> services,
    Set<String> regions,
    Set<Notification.Kind> kinds,
    Notification.Severity minSeverity) {

  public static final Filter ALL =
      new Filter(Set.of(), Set.of(), Set.of(), Notification.Severity.INFO);

  public Filter {
    services = Set.copyOf(services);
    regions = Set.copyOf(regions);
    kinds = Set.copyOf(kinds);
  }

  public boolean accepts(Notification n) {
    return (services.isEmpty() || services.contains(n.service()))
        && (regions.isEmpty() || regions.contains(n.region()))
        && (kinds.isEmpty() || kinds.contains(n.kind()))
        && n.severity().compareTo(minSeverity) >= 0;
  }
}
