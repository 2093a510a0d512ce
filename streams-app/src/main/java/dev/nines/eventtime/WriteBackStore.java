package dev.nines.eventtime;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A changelogged RocksDB key-value store of bytes with an object cache of our own in front,
 * written back at every commit.
 *
 * <p>Why: Kafka Streams' record cache holds bytes, so a value that is read, changed and written
 * per record pays a decode and an encode per record. A subclass keeps the values touched since
 * the last commit as objects and writes them in {@link #flushCache}. Kafka Streams calls that
 * before it commits ({@code StreamTask.prepareCommit} → {@code ProcessorStateManager.flushCache},
 * on every registered {@link CachedStateStore}); the interface is Kafka's internal one, the same
 * its own caching stores use. Tests of each subclass fail if a commit stops writing the cache, so
 * an upgrade that changes the hook is caught. On a dirty close Kafka Streams calls {@link
 * #clearCache}: the uncommitted work is dropped and redone from the input.
 */
public abstract class WriteBackStore implements StateStore, CachedStateStore<byte[], byte[]> {
  protected final KeyValueStore<Bytes, byte[]> inner;

  protected WriteBackStore(KeyValueStore<Bytes, byte[]> inner) {
    this.inner = inner;
  }

  /** A builder of a changelogged, uncached bytes store named {@code name}, wrapped by {@code wrap}. */
  public static <S extends WriteBackStore> StoreBuilder<S> builder(
      String name, Function<KeyValueStore<Bytes, byte[]>, S> wrap) {
    return new Builder<>(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingDisabled(),
        wrap);
  }

  @Override
  public abstract void flushCache();

  @Override
  public abstract void clearCache();

  @Override
  public boolean setFlushListener(
      CacheFlushListener<byte[], byte[]> listener, boolean sendOldValues) {
    return false; // nothing is forwarded on flush: the processors forward themselves
  }

  // --- StateStore, delegated ---

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clearCache();
    inner.init(context, root);
  }

  @Override
  public void flush() {
    flushCache();
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    clearCache();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
    return inner.query(query, bound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  private static final class Builder<S extends WriteBackStore> implements StoreBuilder<S> {
    private final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;
    private final Function<KeyValueStore<Bytes, byte[]>, S> wrap;

    Builder(
        StoreBuilder<KeyValueStore<Bytes, byte[]>> inner,
        Function<KeyValueStore<Bytes, byte[]>, S> wrap) {
      this.inner = inner;
      this.wrap = wrap;
    }

    @Override
    public StoreBuilder<S> withCachingEnabled() {
      return this; // the store is its own (object) cache
    }

    @Override
    public StoreBuilder<S> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<S> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public S build() {
      return wrap.apply(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
