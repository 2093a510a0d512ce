package dev.nines.platform.registry;

import java.util.function.Consumer;

/**
 * The durable log behind a {@link SchemaRegistry}. The registry keeps its state in memory and
 * treats the store as a write-ahead log: an event is appended (and durable) before it is applied
 * to memory, and on start the log is replayed to rebuild that memory.
 *
 * <p>A store has exactly one writer: the registry that started it. Two registries appending to
 * the same log would each hand out ids from their own view and could give two schemas the same
 * id, which corrupts every record framed with it.
 */
public interface SchemaStore extends AutoCloseable {

  /**
   * Brings the store up and hands every event already in the log to {@code sink}, oldest first.
   * Called once, before any {@link #append}.
   *
   * @throws SchemaStoreException if the log cannot be opened or read completely
   */
  void start(Consumer<StoreEvent> sink);

  /**
   * Appends one event and returns only once it is durable.
   *
   * @throws SchemaStoreException if the event could not be made durable; the caller must then
   *     not apply it
   */
  void append(StoreEvent event);

  /** Releases the store's resources; further appends fail. */
  @Override
  void close();
}
