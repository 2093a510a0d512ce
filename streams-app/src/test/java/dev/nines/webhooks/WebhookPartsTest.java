package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookPartsTest {
  static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
  static final byte[] BODY = "{\"event\":\"incident.opened\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signatureIsHmacSha256OfTimestampDotBodyAsOpensslComputesIt() {
    // printf '1700000000.{"event":"incident.opened"}' | openssl dgst -sha256 -hmac 's3cret'
    assertThat(WebhookSigner.sign(SECRET, "1700000000", BODY))
        .isEqualTo("sha256=5216ebf3aed94679f2358922d0be64a487ab5de5158012aa69e46fdc818b1534");
  }

  @Test
  void verifyAcceptsOnlyTheSameSecretTimestampAndBody() {
    String sig = WebhookSigner.sign(SECRET, "1700000000", BODY);
    assertThat(WebhookSigner.verify(SECRET, "1700000000", BODY, sig)).isTrue();
    assertThat(
            WebhookSigner.verify("other".getBytes(StandardCharsets.UTF_8), "1700000000", BODY, sig))
        .isFalse();
    assertThat(WebhookSigner.verify(SECRET, "1700000001", BODY, sig)).isFalse();
    assertThat(
            WebhookSigner.verify(
                SECRET,
                "1700000000",
                "{\"event\":\"incident.resolved\"}".getBytes(StandardCharsets.UTF_8),
                sig))
        .isFalse();
    assertThat(WebhookSigner.verify(SECRET, "1700000000", BODY, null)).isFalse();
  }

  @Test
  void retriesDoubleTheWaitUpToTheMaximum() {
    RetrySchedule s = new RetrySchedule(6, Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertThat(s.delayBefore(1)).isZero();
    assertThat(s.delays())
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(10));
    // 6 attempts of 2 s each, plus 1+2+4+8+10 s of waiting
    assertThat(s.worstCase(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(37));
    assertThat(new RetrySchedule(1, Duration.ofSeconds(1), Duration.ofSeconds(1)).delays())
        .isEqualTo(List.of());
    assertThatThrownBy(() -> new RetrySchedule(3, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
