package dev.nines.uptime;

import dev.nines.schema.Service;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The incident id: {@code <SERVICE>-<region>-<yyyyMMdd'T'HHmmssSSS'Z'>}, e.g.
 * {@code SMS-us-east-20241031T235800000Z}. Readable on a status page and in a credit's evidence,
 * and deterministic: the same service, region and start always give the same id, so a replay or a
 * retried write cannot mint a second incident. The service is the enum symbol as on the wire; the
 * time is UTC to the millisecond, the resolution of {@code startedAt}. Ids of one (service,
 * region) sort by start for years 1000 to 9999.
 */
public final class IncidentId {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private IncidentId() {}

  public static String of(Service service, String region, long startedAt) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(region, "region");
    if (region.isBlank()) {
      throw new IllegalArgumentException("incident id: region is blank");
    }
    return service.name() + "-" + region + "-" + STAMP.format(Instant.ofEpochMilli(startedAt));
  }
}
