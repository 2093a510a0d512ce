package dev.nines.testing;

import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import java.time.Instant;

/** Small builders for test input records. */
public final class Records {
  private Records() {}

  public static DeliveryReceipt receipt(
      String id,
      String carrier,
      DeliveryStatus status,
      FailureCause cause,
      Instant completedAt,
      long latencyMs) {
    return DeliveryReceipt.newBuilder()
        .setMessageId(id)
        .setAccountId("acc-1")
        .setChannel(Channel.SMS)
        .setCarrierId(carrier)
        .setCountry("US")
        .setRegion("us-east")
        .setStatus(status)
        .setFailureCause(cause)
        .setErrorCode(null)
        .setSubmittedAt(completedAt.minusMillis(latencyMs))
        .setCompletedAt(completedAt)
        .build();
  }

  public static DeliveryReceipt delivered(String id, String carrier, Instant at, long latencyMs) {
    return receipt(id, carrier, DeliveryStatus.DELIVERED, FailureCause.NONE, at, latencyMs);
  }

  public static ProbeResult probe(
      String id,
      Service service,
      String region,
      String vantage,
      boolean success,
      String carrier,
      String country,
      Instant at) {
    return ProbeResult.newBuilder()
        .setProbeId(id)
        .setCheck(service.name().toLowerCase() + "-send")
        .setService(service)
        .setRegion(region)
        .setVantage(vantage)
        .setSuccess(success)
        .setCarrierId(carrier)
        .setCountry(country)
        .setLatencyMs(success ? 900L : null)
        .setErrorCode(success ? null : "timeout")
        .setObservedAt(at)
        .build();
  }

  /**
   * A receipt at {@code at} (after a test's history) for route ZZ:SMS, carrier "end", which the
   * test plans but never decides (its only bucket never closes): it moves the watermark of the
   * input partition it is written to, and nothing else.
   */
  public static DeliveryReceipt endOfInputReceipt(int partition, Instant at) {
    return DeliveryReceipt.newBuilder()
        .setMessageId("end-of-input-" + partition)
        .setAccountId("test")
        .setChannel(Channel.SMS)
        .setCarrierId("end")
        .setCountry("ZZ")
        .setRegion("nowhere")
        .setStatus(DeliveryStatus.DELIVERED)
        .setFailureCause(FailureCause.NONE)
        .setSubmittedAt(at)
        .setCompletedAt(at)
        .build();
  }

  /** A probe at {@code at} without a carrier, in region "nowhere": moves the watermark only. */
  public static ProbeResult endOfInputProbe(int partition, Instant at) {
    return ProbeResult.newBuilder()
        .setProbeId("end-of-input-" + partition)
        .setCheck("end-of-input")
        .setService(Service.SMS)
        .setRegion("nowhere")
        .setVantage("test")
        .setSuccess(true)
        .setObservedAt(at)
        .build();
  }
}
