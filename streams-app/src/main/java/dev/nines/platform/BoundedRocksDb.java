package dev.nines.platform;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the off-heap memory of all RocksDB stores of this process: one block cache shared by
 * every store, and the memtables charged to that same cache through a write buffer manager (the
 * recipe of Kafka Streams' memory-management docs). Without it each store sizes its own cache
 * and memtables, and memory grows with the number of tasks and stores.
 *
 * <p>The total comes from the Streams config key {@value #TOTAL_BYTES} (set from
 * {@code rocksdb.memory.mb}); the share of it memtables may take from {@value #MEMTABLE_SHARE};
 * the size of one memtable from {@value #MEMTABLE_BYTES}. The cache is created once per process,
 * by the first store configured.
 *
 * <p>Why small memtables: the write buffer manager counts the memtables of every store of the
 * instance (dozens: each task has its stores, and each window store a RocksDB per segment). When
 * their sum passes the budget, a write to any store flushes that store's own memtable, however
 * small; the ones holding the memory (idle segments) are not flushed. With Kafka Streams' default
 * of three 16 MiB memtables per store and a 64 MiB budget, almost every write flushed and runs
 * stalled. With {@code rocksdb.memtable.mb} (default 2 MiB, at most two per store) and a budget
 * of at least 16 of them (checked at start-up), a flush frees real memory.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  private static final Logger log = LoggerFactory.getLogger(BoundedRocksDb.class);
  public static final String TOTAL_BYTES = "nines.rocksdb.total.bytes";
  public static final String MEMTABLE_SHARE = "nines.rocksdb.memtable.share";
  public static final String MEMTABLE_BYTES = "nines.rocksdb.memtable.bytes";

  /** Memtables per store: one being written while one is flushed. */
  static final int MEMTABLES_PER_STORE = 2;

  private static Cache cache;
  private static WriteBufferManager writeBuffers;
  private static long configuredTotal;

  /** Stores (RocksDB instances) open now, and whether the budget warning was logged. */
  private static int openStores;

  private static boolean warned;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long total = Long.parseLong(String.valueOf(configs.get(TOTAL_BYTES)));
    double share = Double.parseDouble(String.valueOf(configs.get(MEMTABLE_SHARE)));
    long memtable = Long.parseLong(String.valueOf(configs.get(MEMTABLE_BYTES)));
    synchronized (BoundedRocksDb.class) {
      if (cache == null) {
        // high-priority pool for index and filter blocks so they are not evicted by data blocks
        cache = new LRUCache(total, -1, false, 0.1);
        writeBuffers = new WriteBufferManager((long) (total * share), cache);
        configuredTotal = total;
        log.info(
            "RocksDB memory bounded: one {} MiB block cache for every store of this "
                + "process, memtables charged to it up to {} MiB, {} MiB each",
            total >> 20,
            ((long) (total * share)) >> 20,
            memtable >> 20);
      }
      openStores++;
      long budget = (long) (total * share);
      if (!warned && openStores * memtable > budget) {
        // the write buffer manager still bounds memory, but once the stores' partly filled
        // memtables add up to the budget, writes start flushing tiny memtables
        warned = true;
        log.warn(
            "{} RocksDB stores of {} MiB memtables can hold more than the {} MiB memtable "
                + "budget (rocksdb.memory.mb x rocksdb.memtable.share); if writes slow down, raise "
                + "rocksdb.memory.mb or lower rocksdb.memtable.mb",
            openStores,
            memtable >> 20,
            budget >> 20);
      }
    }
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBuffers);
    options.setWriteBufferSize(memtable);
    options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
    options.setTableFormatConfig(table);
  }

  /** The total the shared cache was created with, or 0 before the first store; for tests. */
  public static synchronized long configuredTotal() {
    return configuredTotal;
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and write buffer manager are shared by every store: never closed per store
    synchronized (BoundedRocksDb.class) {
      openStores--;
    }
  }

  /** RocksDB stores opened through this setter and not closed yet; for tests and metrics. */
  public static synchronized int openStores() {
    return openStores;
  }
}
