package dev.nines.credits;

import dev.nines.schema.Service;
import java.time.YearMonth;
import java.util.Objects;

/**
 * The credit's id, from account, service and month only, so that a replay or a retry gives the
 * same id and billing can de-duplicate on it: {@code credit-<accountId>-<service>-<yyyy-MM>},
 * e.g. {@code credit-acme-SMS-2025-04}. Readable on an invoice, unlike a hash. It is unambiguous
 * even if the account id contains '-': read from the right, the month is the last seven
 * characters and the service (an enum name, no '-') the part before them.
 */
public final class CreditId {
  private CreditId() {}

  public static String of(String accountId, Service service, YearMonth month) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(service, "service");
    return "credit-" + accountId + "-" + service.name() + "-" + Months.key(month);
  }
}
