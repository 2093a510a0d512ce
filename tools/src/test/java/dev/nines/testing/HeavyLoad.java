package dev.nines.testing;

/**
 * A JUnit resource lock for integration test classes that load both cores for a minute or more
 * with JVMs of their own ({@code @ResourceLock(HeavyLoad.LOCK)}): no two of them run at the same
 * time, while lighter classes still run beside each. A class whose own tests should still run
 * side by side takes it in {@code READ} mode (JUnit runs the children of a class holding a
 * lock to write one at a time). Side by side, the throughput benchmark's
 * workers and {@code ./nines run} starved each other's stream threads for seconds, past the
 * apps' 6 s transaction timeout: the transactions were aborted and the outputs a test waited for
 * came minutes late.
 */
public final class HeavyLoad {
  public static final String LOCK = "cores: JVMs of their own at full load";

  private HeavyLoad() {}
}
