package dev.nines.health;

import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Drops a record whose id was already seen within the retention (event time): a repeated
 * messageId is a duplicate DLR and counts once. The store is a window store so that old ids
 * expire with stream time, deterministically on replay. A record whose id is null is passed on
 * unchecked: that is how watermarks travel through it (admission refuses items without an id).
 */
public final class Dedup<V> implements FixedKeyProcessorSupplier<String, V, V> {
  private final String storeName;
  private final Function<V, String> id;
  private final Duration retention;

  public Dedup(String storeName, Function<V, String> id, Duration retention) {
    this.storeName = storeName;
    this.id = id;
    this.retention = retention;
  }

  public StoreBuilder<WindowStore<String, Long>> storeBuilder() {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(storeName, retention.multipliedBy(2), retention, false),
        Serdes.String(), Serdes.Long());
  }

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, V> context;
      private WindowStore<String, Long> seen;

      @Override
      public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
      }

      @Override
      public void process(FixedKeyRecord<String, V> record) {
        String key = id.apply(record.value());
        if (key == null) {
          context.forward(record);
          return;
        }
        long ts = record.timestamp();
        try (var it = seen.fetch(key, ts - retention.toMillis(), ts + retention.toMillis())) {
          if (it.hasNext()) {
            return;
          }
        }
        seen.put(key, ts, ts);
        context.forward(record);
      }
    };
  }
}
