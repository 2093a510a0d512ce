package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.api.ApiServer.Reply;
import org.junit.jupiter.api.Test;

/** What a caller sees when a request fails: a status and a sentence, never the exception. */
class ApiErrorsTest {
  static final String SELF = "nines-1:8080";

  @Test
  void aFailureAnswers500NamingOnlyTheInstanceWhoseLogHasTheDetails() {
    Reply r =
        ApiServer.guarded(
            "/api/status",
            SELF,
            () -> {
              throw new IllegalStateException("password=hunter2 at broker.internal:9093");
            });
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body())
        .isEqualTo("{\"error\":\"internal error; the log of nines-1:8080 has the details\"}")
        .doesNotContain("hunter2", "broker.internal", "IllegalStateException", "at dev.nines");
  }

  @Test
  void anExceptionWithoutAMessageIsNoDifferent() {
    Reply r =
        ApiServer.guarded(
            "/api/routes/US:SMS",
            SELF,
            () -> {
              throw new NullPointerException();
            });
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("NullPointerException", "null");
  }

  @Test
  void stateNotYetAvailableIs503WithItsReason() {
    Reply r =
        ApiServer.guarded(
            "/api/status",
            SELF,
            () -> {
              throw new StateAccess.NotAvailable("the app is rebalancing");
            });
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).contains("the app is rebalancing; retry shortly");
  }

  @Test
  void anAnswerPassesThrough() {
    Reply ok = new Reply(200, ApiServer.JSON, "{}", null);
    assertThat(ApiServer.guarded("/health", SELF, () -> ok)).isSameAs(ok);
  }
}
