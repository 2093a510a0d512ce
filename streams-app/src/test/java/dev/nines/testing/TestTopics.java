package dev.nines.testing;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.TopicManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Every nines topic for a test that reads the outputs' whole history: the compacted ones never
 * roll by time, so the broker's cleaner cannot remove superseded records before the test reads
 * them.
 *
 * <p>Why: the tests write event times of the past (October 2026) and the transaction markers are
 * stamped now, so a segment is more than {@code segment.ms} (7 days) old after the first
 * transaction and rolls; the cleaner then compacts it within its backoff (15 s) whenever enough
 * of it is superseded. A routing decision replaced by the next one for its route was gone before
 * the comparison in {@code CarrierHealthAcrossPartitionsIT} read it (2 records instead of 15, in
 * one clean-clone CI run of 2026-11-22). {@code ShadowTopics} does the same for a replay.
 */
public final class TestTopics {
  private TestTopics() {}

  /** A century. */
  public static final String SEGMENT_MS = Long.toString(Duration.ofDays(36_500).toMillis());

  /** {@link TopicManager#ensure} for every topic, with {@code partitions} each. */
  public static List<String> ensure(Admin admin, NinesConfig.TopicLayout layout, int partitions) {
    return TopicManager.ensure(admin, Topics.ALL, layout, t -> partitions, TestTopics::keepHistory);
  }

  /** {@link TopicManager#ensure} for every topic, with the layout's partition count. */
  public static List<String> ensure(Admin admin, NinesConfig.TopicLayout layout) {
    return ensure(admin, layout, layout.partitions());
  }

  public static Map<String, String> keepHistory(Topic<?> topic) {
    return topic.compacted() ? Map.of("segment.ms", SEGMENT_MS) : Map.of();
  }
}
