package dev.nines.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stream-thread failures of one app: counted by cause, spaced out by a backoff before the thread
 * is replaced, and reported as not-ready while they recur.
 *
 * <pre>
 * backoff(n-th failure in a row) = min(30 s, 1 s * 2^(n-1));  in a row: less than 60 s apart
 * not ready while: now - last failure &lt; 60 s
 * </pre>
 *
 * <p>Why a backoff: a failure that repeats (the schema registry down, a bug met by the same
 * record) would otherwise replace threads in a tight loop, and under exactly-once each dirty
 * close restores the task's state from its changelog. Why not-ready: the app is up but is not
 * doing its work; a load balancer or an operator should see that.
 */
public final class Faults implements AutoCloseable {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How long after the last failure the app reports not ready; also "in a row". */
  static final Duration RECENT = Duration.ofSeconds(60);

  /** One failure: what kind of fault, what it said, when. */
  public record Failure(String cause, String message, Instant at, int inARow) {}

  private final Clock clock;
  private final Map<String, Long> counts = new TreeMap<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private Failure last;

  public Faults() {
    this(Clock.systemUTC());
  }

  Faults(Clock clock) {
    this.clock = clock;
  }

  /** Records a failure of kind {@code cause}; returns how long to wait before going on. */
  public synchronized Duration failed(String cause, String message) {
    Instant now = clock.instant();
    int inARow =
        last != null && Duration.between(last.at(), now).compareTo(RECENT) < 0
            ? last.inARow() + 1
            : 1;
    last = new Failure(cause, message, now, inARow);
    counts.merge(cause, 1L, Long::sum);
    long ms = FIRST_BACKOFF.toMillis() << Math.min(inARow - 1, 20);
    return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
  }

  /** Waits {@code backoff}, or less if the app is closing. */
  public void await(Duration backoff) {
    try {
      closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Why the app is not ready, if a thread failed within the last minute. */
  public synchronized Optional<Failure> recent() {
    if (last == null || Duration.between(last.at(), clock.instant()).compareTo(RECENT) >= 0) {
      return Optional.empty();
    }
    return Optional.of(last);
  }

  /** Failures so far, by cause. */
  public synchronized Map<String, Long> counts() {
    return new TreeMap<>(counts);
  }

  /** Whether {@link #close} was called: a failed thread is then not replaced. */
  public boolean closed() {
    return closed.getCount() == 0;
  }

  /** Ends any wait: the app is closing and its threads should stop promptly. */
  @Override
  public void close() {
    closed.countDown();
  }
}
