package dev.nines.platform.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link SchemaStore} in a list, for tests. It keeps the log's contract (start replays, append
 * is all-or-nothing), can be pre-filled with the events of another store to simulate a restart,
 * and can be told to fail so the registry's store-error path can be exercised.
 */
public final class InMemorySchemaStore implements SchemaStore {

  private final List<StoreEvent> events = new ArrayList<>();
  private String failure;
  private boolean closed;

  public InMemorySchemaStore() {}

  /** A store whose log already holds {@code initial}, e.g. another store's {@link #events()}. */
  public InMemorySchemaStore(List<StoreEvent> initial) {
    events.addAll(initial);
  }

  @Override
  public synchronized void start(Consumer<StoreEvent> sink) {
    // Hand out a copy: the sink is the registry, which may not call back into append here, but a
    // copy keeps the replay independent of anything else touching the list.
    List.copyOf(events).forEach(sink);
  }

  @Override
  public synchronized void append(StoreEvent event) {
    if (closed) {
      throw new SchemaStoreException("in-memory schema store is closed");
    }
    if (failure != null) {
      throw new SchemaStoreException(failure);
    }
    events.add(event);
  }

  /** Makes every following append fail with {@code message}; null makes appends succeed again. */
  public synchronized void failAppends(String message) {
    this.failure = message;
  }

  /** The log so far, oldest first. */
  public synchronized List<StoreEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
