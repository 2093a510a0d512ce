package dev.nines.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nines.testing.RepoFiles;
import dev.nines.views.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metrics the Grafana dashboard (docs/grafana/nines-dashboard.json) queries. */
final class DashboardMetrics {
  private DashboardMetrics() {}

  static final String FILE = "docs/grafana/nines-dashboard.json";

  /** A metric name in PromQL: the product's own, Kafka's and the JVM's prefixes. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:nines|kafka|jvm|process)_\\w+)");

  /** Every metric name in the expressions of every panel's targets. */
  static Set<String> queried() {
    try {
      JsonNode dashboard = Json.MAPPER.readTree(Files.readString(RepoFiles.path(FILE)));
      Set<String> out = new TreeSet<>();
      for (JsonNode panel : dashboard.get("panels")) {
        for (JsonNode target : panel.get("targets")) {
          Matcher m = METRIC.matcher(target.get("expr").asText());
          while (m.find()) {
            out.add(m.group(1));
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metric names of a Prometheus text exposition. */
  static Set<String> names(String exposition) {
    Set<String> out = new TreeSet<>();
    exposition
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> out.add(l.split("[{ ]", 2)[0]));
    return out;
  }
}
