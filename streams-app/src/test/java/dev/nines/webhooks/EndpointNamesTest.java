package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.config.Settings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The configuration checks the names the dispatcher maps: both lists must stay the same. */
class EndpointNamesTest {
  @Test
  void theConfigurationsNamesAreTheFormatsKindsAndSeverities() {
    assertThat(Settings.WEBHOOK_FORMATS)
        .containsExactlyElementsOf(Arrays.stream(Format.values()).map(Format::configName).toList());
    assertThat(Settings.WEBHOOK_EVENTS)
        .containsExactlyElementsOf(
            Arrays.stream(Notification.Kind.values()).map(Notification.Kind::event).toList());
    assertThat(Settings.WEBHOOK_SEVERITIES)
        .containsExactlyElementsOf(
            Arrays.stream(Notification.Severity.values())
                .map(Notification.Severity::lower)
                .toList());
  }
}
