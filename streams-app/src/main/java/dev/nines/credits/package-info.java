/**
 * SLA credits as plain Java: from the versions of an account's contract, the DOWN intervals and
 * maintenance windows of a service per region, to the {@code sla-credits} record of a closed UTC
 * month. Nothing here knows about Kafka or reads a clock; the same inputs give the same credit.
 * No floating point: amounts are longs in minor units, percentages exact BigDecimals.
 *
 * <p>Where the contract (CONTRACT.md) is silent, this package decides:
 *
 * <ul>
 *   <li>Credit schedules list rows in strictly descending {@code belowPercent}, and a lower row
 *       may not give a smaller credit; other orders are rejected, not sorted
 *       ({@link dev.nines.credits.ContractValidator}).
 *   <li>Of several contract versions in force at an instant, the latest {@code effectiveFrom}
 *       wins; a version with the same {@code effectiveFrom} replaces the kept one; an invalid
 *       version is rejected and the previous stays in force
 *       ({@link dev.nines.credits.ContractHistory}).
 *   <li>"The month's end" is its last millisecond: the version in force then governs the whole
 *       month; if none is (the contract ended earlier), there is no credit.
 *   <li>Availability is kept as the exact rational; the credit decision compares it exactly and
 *       the text shows six decimals rounded down ({@link dev.nines.credits.Availability}).
 *   <li>A credit is written only when its amount is above zero; incident ids sorted, without
 *       repeats ({@link dev.nines.credits.CreditCalculator}).
 *   <li>Credit ids read {@code credit-<accountId>-<service>-<yyyy-MM>}
 *       ({@link dev.nines.credits.CreditId}).
 * </ul>
 *
 * <p>Entry point: {@link dev.nines.credits.CreditCalculator#credit}.
 */
package dev.nines.credits;
