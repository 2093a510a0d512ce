package dev.nines.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/** A restore listener that counts the changelog records restored, in all and by store. */
public final class RestoreCounts {
  private RestoreCounts() {}

  public static StateRestoreListener counting(AtomicLong total, Map<String, Long> byStore) {
    return new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition tp, String store, long start, long end) {}

      @Override
      public void onBatchRestored(TopicPartition tp, String store, long end, long n) {
        total.addAndGet(n);
        byStore.merge(store, n, Long::sum);
      }

      @Override
      public void onRestoreEnd(TopicPartition tp, String store, long n) {}
    };
  }
}
