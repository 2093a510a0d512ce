package dev.nines.platform.registry;

import java.util.Objects;

/**
 * One entry of the registry's durable log. The registry's whole state is the result of applying
 * these events in order, so replaying the log after a restart gives back the same subjects,
 * versions and, above all, the same schema ids that are already framed into Kafka records.
 *
 * <p>The events mirror the record kinds of Confluent's {@code _schemas} topic (see
 * {@link StoreEventCodec}), and each one is keyed so that log compaction (keep the last record
 * per key, in offset order) never changes what a replay produces.
 */
public sealed interface StoreEvent {

  /**
   * A subject version was written: registered ({@code deleted == false}) or soft-deleted on its
   * own ({@code deleted == true}). The last write of a (subject, version) wins.
   */
  record SchemaVersionWritten(String subject, int version, int id, String schema, boolean deleted)
      implements StoreEvent {
    public SchemaVersionWritten {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
      if (version < 1) {
        throw new IllegalArgumentException("version must be >= 1, was " + version);
      }
      if (id < 1) {
        throw new IllegalArgumentException("id must be >= 1, was " + id);
      }
    }
  }

  /** A subject version was permanently deleted (a tombstone for its key). */
  record SchemaVersionRemoved(String subject, int version) implements StoreEvent {
    public SchemaVersionRemoved {
      Objects.requireNonNull(subject, "subject");
    }
  }

  /**
   * A subject was soft-deleted: every version up to and including {@code upToVersion} is marked
   * deleted. One event rather than one per version, so a subject delete is atomic in the log.
   */
  record SubjectSoftDeleted(String subject, int upToVersion) implements StoreEvent {
    public SubjectSoftDeleted {
      Objects.requireNonNull(subject, "subject");
    }
  }

  /** A compatibility level was set; {@code subject == null} is the global level. */
  record ConfigSet(String subject, CompatibilityLevel level) implements StoreEvent {
    public ConfigSet {
      Objects.requireNonNull(level, "level");
    }
  }

  /** A compatibility level was removed; {@code subject == null} is the global level. */
  record ConfigRemoved(String subject) implements StoreEvent {}
}
