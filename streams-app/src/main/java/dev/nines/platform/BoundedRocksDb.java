package dev.nines.platform;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of all RocksDB stores of this process: one block cache shared by
 * every store, and the memtables charged to that same cache through a write buffer manager (the
 * recipe of Kafka Streams' memory-management docs). Without it each store sizes its own cache
 * and memtables, and memory grows with the number of tasks and stores.
 *
 * <p>The total comes from the Streams config key {@value #TOTAL_BYTES} (set from
 * {@code rocksdb.memory}); the share of it memtables may take from {@value #MEMTABLE_SHARE}.
 * The cache is created once per process, by the first store configured.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  public static final String TOTAL_BYTES = "nines.rocksdb.total.bytes";
  public static final String MEMTABLE_SHARE = "nines.rocksdb.memtable.share";

  private static Cache cache;
  private static WriteBufferManager writeBuffers;
  private static long configuredTotal;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long total = Long.parseLong(String.valueOf(configs.get(TOTAL_BYTES)));
    double share = Double.parseDouble(String.valueOf(configs.get(MEMTABLE_SHARE)));
    synchronized (BoundedRocksDb.class) {
      if (cache == null) {
        // high-priority pool for index and filter blocks so they are not evicted by data blocks
        cache = new LRUCache(total, -1, false, 0.1);
        writeBuffers = new WriteBufferManager((long) (total * share), cache);
        configuredTotal = total;
      }
    }
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBuffers);
    options.setTableFormatConfig(table);
  }

  /** The total the shared cache was created with, or 0 before the first store; for tests. */
  public static synchronized long configuredTotal() {
    return configuredTotal;
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and write buffer manager are shared by every store: never closed per store
  }
}
