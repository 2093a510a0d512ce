package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nines.testing.RepoFiles;
import dev.nines.views.Json;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard is one Grafana can import: panels with Prometheus targets on the
 * dashboard's data source variable, covering what an operator watches. (That every metric it
 * queries exists on /metrics of running instances is checked by ApiForwardingIT.)
 */
class DashboardTest {

  @Test
  void everyPanelQueriesPrometheusThroughTheDataSourceVariable() throws Exception {
    JsonNode d = Json.MAPPER.readTree(Files.readString(RepoFiles.path(DashboardMetrics.FILE)));
    assertThat(d.get("uid").asText()).isNotBlank();
    assertThat(d.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    assertThat(d.get("panels")).isNotEmpty();
    for (JsonNode p : d.get("panels")) {
      assertThat(p.at("/datasource/uid").asText())
          .as(p.get("title").asText())
          .isEqualTo("${datasource}");
      assertThat(p.get("targets")).as(p.get("title").asText()).isNotEmpty();
    }
    assertThat(DashboardMetrics.queried())
        .contains(
            "nines_routing_decisions_total",
            "nines_routing_ejections_total",
            "nines_dead_letters_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "kafka_nines_watermark_late_records_total",
            "kafka_nines_windows_late_records_total",
            "kafka_nines_uptime_late_probes_total",
            "nines_webhooks_gave_up_total");
  }

  @Test
  void metricNamesAreReadFromAnExposition() {
    assertThat(
            DashboardMetrics.names(
                """
        # HELP x_total help
        # TYPE x_total counter
        x_total{a="1"} 3.0
        y 1
        """))
        .containsExactly("x_total", "y");
  }
}
