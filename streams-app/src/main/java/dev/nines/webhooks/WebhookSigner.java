package dev.nines.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code X-Nines-Signature: sha256=<hex HMAC-SHA256>} over
 * {@code <X-Nines-Timestamp> + "." + <body>}, keyed with the shared secret. The timestamp is in
 * the signed text so a receiver can refuse old deliveries replayed by someone else (the same
 * scheme as Stripe's and GitHub's, with the JDK's own HMAC). Pure.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  public static final String SIGNATURE_HEADER = "X-Nines-Signature";
  public static final String TIMESTAMP_HEADER = "X-Nines-Timestamp";
  public static final String DELIVERY_HEADER = "X-Nines-Delivery";
  public static final String EVENT_HEADER = "X-Nines-Event";

  public static String sign(byte[] secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e, e);
    }
  }

  /** What a receiver does: recompute and compare in constant time. */
  public static boolean verify(byte[] secret, String timestamp, byte[] body, String signature) {
    if (signature == null || timestamp == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }
}
