package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The setter as Kafka Streams calls it for each store: small memtables, one shared cache. */
class BoundedRocksDbTest {

  @Test
  void everyStoreGetsSmallMemtablesAndTheSharedCache() {
    RocksDB.loadLibrary();
    Map<String, Object> configs =
        Map.of(
            BoundedRocksDb.TOTAL_BYTES,
            64L << 20,
            BoundedRocksDb.MEMTABLE_SHARE,
            0.5,
            BoundedRocksDb.MEMTABLE_BYTES,
            2L << 20);
    BoundedRocksDb setter = new BoundedRocksDb();
    int before = BoundedRocksDb.openStores();
    try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
        Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
      setter.setConfig("store-a", a, configs);
      setter.setConfig("store-b", b, configs);
      for (Options o : new Options[] {a, b}) {
        assertThat(o.writeBufferSize()).isEqualTo(2L << 20);
        assertThat(o.maxWriteBufferNumber()).isEqualTo(2);
        BlockBasedTableConfig t = (BlockBasedTableConfig) o.tableFormatConfig();
        assertThat(t.cacheIndexAndFilterBlocks()).isTrue();
      }
      // one cache for the process, sized by the first store configured (the same config for
      // all stores of an instance)
      assertThat(BoundedRocksDb.configuredTotal()).isPositive();
      assertThat(BoundedRocksDb.openStores()).isEqualTo(before + 2);
      setter.close("store-a", a);
      setter.close("store-b", b);
      assertThat(BoundedRocksDb.openStores()).isEqualTo(before);
    }
  }
}
