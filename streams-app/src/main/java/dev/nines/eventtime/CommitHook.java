package dev.nines.eventtime;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that holds nothing: it lets a processor act right before its task commits, and drop
 * what it holds when the task is closed dirty.
 *
 * <p>Why a store: Kafka Streams gives processors no commit callback, but before every commit
 * (by interval, on a rebalance, on a clean close) {@code StreamTask.prepareCommit} calls {@link
 * #flushCache} on every {@link CachedStateStore} of the task, before it flushes the producer and
 * commits the input offsets (in the same transaction under exactly-once). {@link WriteBackStore}
 * writes its objects there; {@link Batcher} sends its batches there, so that no input offset is
 * committed past a record whose batch has not been sent; the upstream processors write their
 * per-partition state there once per commit instead of once per record.
 */
public final class CommitHook implements StateStore, CachedStateStore<byte[], byte[]> {
  private final String name;
  private Runnable beforeCommit = () -> {};
  private Runnable onDrop = () -> {};
  private boolean open;

  CommitHook(String name) {
    this.name = name;
  }

  /**
   * Binds the processor being initialised with {@code context} to its hook {@code hookName}:
   * {@code beforeCommit} runs before each commit of the task as that processor (what it forwards
   * goes to its children; what it writes to a logged store is logged), with the record context
   * of the last record it saw ({@link Binding#seen}); {@code onDrop} runs on a dirty close.
   * Call from {@code init}.
   */
  public static Binding bind(
      ProcessingContext context, String hookName, Runnable beforeCommit, Runnable onDrop) {
    if (!(context instanceof InternalProcessorContext<?, ?> internal)) {
      throw new IllegalStateException(
          "a commit hook needs Kafka Streams' own processor context, got " + context.getClass());
    }
    Binding b = new Binding(internal, internal.currentNode(), beforeCommit);
    CommitHook hook = context.getStateStore(hookName);
    hook.beforeCommit = b::run;
    hook.onDrop = onDrop;
    return b;
  }

  /** A processor's side of its hook. */
  public static final class Binding {
    private final InternalProcessorContext<?, ?> internal;
    private final ProcessorNode<?, ?, ?, ?> node;
    private final Runnable beforeCommit;
    private ProcessorRecordContext last;

    private Binding(
        InternalProcessorContext<?, ?> internal,
        ProcessorNode<?, ?, ?, ?> node,
        Runnable beforeCommit) {
      this.internal = internal;
      this.node = node;
      this.beforeCommit = beforeCommit;
    }

    /** Notes the record being processed: its context is the one the commit work runs with. */
    public void seen() {
      last = internal.recordContext();
    }

    /** Outside of any record, as Kafka's caching stores forward their entries at a flush. */
    private void run() {
      if (last == null) {
        return; // nothing seen since the task started: nothing to do
      }
      ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
      ProcessorRecordContext previousContext = internal.recordContext();
      internal.setCurrentNode(node);
      internal.setRecordContext(last);
      try {
        beforeCommit.run();
      } finally {
        internal.setRecordContext(previousContext);
        internal.setCurrentNode(previousNode);
      }
    }
  }

  /** The conventional name of the hook of a processor whose state is in store {@code store}. */
  public static String nameFor(String store) {
    return store + "-commit-hook";
  }

  /** A builder of the hook named {@code name}: in memory, not logged, holds nothing. */
  public static StoreBuilder<CommitHook> builder(String name) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<CommitHook> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitHook> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
        return this; // nothing to log
      }

      @Override
      public StoreBuilder<CommitHook> withLoggingDisabled() {
        return this;
      }

      @Override
      public CommitHook build() {
        return new CommitHook(name);
      }

      @Override
      public Map<String, String> logConfig() {
        return Map.of();
      }

      @Override
      public boolean loggingEnabled() {
        return false;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  @Override
  public void flushCache() {
    beforeCommit.run();
  }

  @Override
  public void clearCache() {
    onDrop.run();
  }

  @Override
  public boolean setFlushListener(
      CacheFlushListener<byte[], byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void flush() {
    // not the hook: Kafka Streams flushes stores again after the commit, to checkpoint them
  }

  @Override
  public void close() {
    onDrop.run();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }
}
