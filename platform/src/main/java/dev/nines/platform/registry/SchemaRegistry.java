package dev.nines.platform.registry;

import dev.nines.platform.registry.StoreEvent.ConfigRemoved;
import dev.nines.platform.registry.StoreEvent.ConfigSet;
import dev.nines.platform.registry.StoreEvent.SchemaVersionRemoved;
import dev.nines.platform.registry.StoreEvent.SchemaVersionWritten;
import dev.nines.platform.registry.StoreEvent.SubjectSoftDeleted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry's model and rules, with no HTTP: subjects, their versions, global schema
 * ids and compatibility levels, behaving as Confluent's registry does.
 *
 * <ul>
 *   <li>Ids are global ints from 1. The same schema (same canonical text: Avro's JSON rendering
 *       of the parsed schema, which is Confluent's notion of "the same") gets the same id in
 *       every subject, so a consumer needs one id lookup per schema, not per topic.</li>
 *   <li>Registering a schema the subject already has live returns its id and version and writes
 *       nothing, so producers can register on every start without growing the history.</li>
 *   <li>A new version is checked against the subject's live versions under the subject's level
 *       (else the global level, else the default given here): the latest one for non-transitive
 *       levels, all of them for transitive ones.</li>
 *   <li>New versions number from one past the highest version ever used in the subject, soft
 *       deleted ones included, so a version number is never reused for a different schema while
 *       it may still be soft-deleted history.</li>
 * </ul>
 *
 * <p>State lives in memory and is rebuilt by replaying the {@link SchemaStore} on construction;
 * every change is appended to the store first and applied to memory only once durable, so memory
 * never shows a schema the log could lose. Writers are serialised (one at a time, the store has
 * a single writer); readers never wait for the store's I/O, only for the brief in-memory apply.
 * The store is owned, and closed, by whoever created it.
 */
public final class SchemaRegistry {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);

  /** Confluent's default compatibility level, and this project's contract. */
  public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

  private record VersionEntry(int id, boolean deleted) {}

  private record SchemaEntry(int id, String canonical, Schema parsed) {}

  private record Parsed(Schema schema, String canonical) {}

  private final SchemaStore store;
  private final CompatibilityLevel defaultLevel;

  // Serialises writers: check the rules, append to the store, apply. Held across the store I/O.
  private final Object writeMutex = new Object();
  // Guards the maps below between readers and the applying writer; never held across I/O.
  private final ReadWriteLock stateLock = new ReentrantReadWriteLock();

  private final Map<String, TreeMap<Integer, VersionEntry>> subjects = new TreeMap<>();
  private final Map<Integer, SchemaEntry> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel; // null: not set, the default applies
  // Highest id ever seen; only grows, so an id freed by a permanent delete is not handed out
  // again to a different schema while this process runs.
  private int maxId;

  /** A registry over {@code store}, with Confluent's default level, BACKWARD. */
  public SchemaRegistry(SchemaStore store) {
    this(store, DEFAULT_LEVEL);
  }

  /**
   * A registry over {@code store}; starts the store and replays its log.
   *
   * @param defaultLevel the level that applies when neither the subject nor the global level was
   *     set through the API
   */
  public SchemaRegistry(SchemaStore store, CompatibilityLevel defaultLevel) {
    this.store = Objects.requireNonNull(store, "store");
    this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
    synchronized (writeMutex) {
      stateLock.writeLock().lock();
      try {
        store.start(this::apply);
      } finally {
        stateLock.writeLock().unlock();
      }
    }
    log.info(
        "Schema registry started: {} subjects, {} schemas, highest id {}",
        subjects.size(),
        schemasById.size(),
        maxId);
  }

  // ---------------------------------------------------------------- schemas and subjects

  /**
   * Registers {@code input} under {@code subject}, or returns the existing registration if the
   * subject already has this schema live.
   *
   * @throws RegistryException 42201 invalid schema, 409 incompatible, 50001 store failure
   */
  public RegisteredSchema register(String subject, SchemaInput input) {
    Parsed parsed = parse(input);
    synchronized (writeMutex) {
      TreeMap<Integer, VersionEntry> versions = subjects.getOrDefault(subject, new TreeMap<>());
      for (Map.Entry<Integer, VersionEntry> v : versions.descendingMap().entrySet()) {
        if (!v.getValue().deleted()
            && schemasById.get(v.getValue().id()).canonical().equals(parsed.canonical())) {
          return new RegisteredSchema(subject, v.getKey(), v.getValue().id(), parsed.canonical());
        }
      }
      CompatibilityLevel level = effectiveLevel(subject);
      List<String> incompatibilities =
          AvroCompatibility.check(level, parsed.schema(), liveNewestFirst(versions));
      if (!incompatibilities.isEmpty()) {
        throw RegistryException.incompatible(subject, incompatibilities);
      }
      Integer existingId = idsByCanonical.get(parsed.canonical());
      int id = existingId != null ? existingId : maxId + 1;
      int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
      String failure = "Register schema operation failed while writing to the Kafka store";
      // As Confluent does: a soft-deleted earlier version holding the same schema is dropped
      // for good, so the subject's history does not list the schema twice.
      // (Collected first: committing a removal changes the map being walked.)
      List<Integer> sameSchemaDeleted =
          versions.entrySet().stream()
              .filter(v -> v.getValue().deleted() && v.getValue().id() == id)
              .map(Map.Entry::getKey)
              .toList();
      for (int deletedVersion : sameSchemaDeleted) {
        commit(new SchemaVersionRemoved(subject, deletedVersion), failure);
      }
      commit(new SchemaVersionWritten(subject, version, id, parsed.canonical(), false), failure);
      log.info("Registered schema id {} as {} version {}", id, subject, version);
      return new RegisteredSchema(subject, version, id, parsed.canonical());
    }
  }

  /**
   * The subject version holding {@code input}, the latest if several do.
   *
   * @throws RegistryException 42201 invalid schema, 40401 subject not found, 40403 schema not
   *     registered under the subject
   */
  public RegisteredSchema lookup(String subject, SchemaInput input, boolean includeDeleted) {
    Parsed parsed = parse(input);
    return read(
        () -> {
          TreeMap<Integer, VersionEntry> versions = subjects.getOrDefault(subject, new TreeMap<>());
          for (Map.Entry<Integer, VersionEntry> v : versions.descendingMap().entrySet()) {
            VersionEntry entry = v.getValue();
            if ((includeDeleted || !entry.deleted())
                && schemasById.get(entry.id()).canonical().equals(parsed.canonical())) {
              return new RegisteredSchema(subject, v.getKey(), entry.id(), parsed.canonical());
            }
          }
          if (!hasSubject(subject, includeDeleted)) {
            throw RegistryException.subjectNotFound(subject);
          }
          throw RegistryException.schemaNotFound();
        });
  }

  /**
   * The canonical text of schema {@code id}; soft-deleted schemas are still found, because
   * records framed with the id still need to be read.
   *
   * @throws RegistryException 40403 unknown id
   */
  public String schemaById(int id) {
    return read(
        () -> {
          SchemaEntry entry = schemasById.get(id);
          if (entry == null) {
            throw RegistryException.schemaNotFound(id);
          }
          return entry.canonical();
        });
  }

  /**
   * The (subject, version) pairs holding schema {@code id}, by subject then version.
   *
   * @throws RegistryException 40403 unknown id
   */
  public List<SubjectVersion> versionsForId(int id, boolean includeDeleted) {
    return read(
        () -> {
          if (!schemasById.containsKey(id)) {
            throw RegistryException.schemaNotFound();
          }
          List<SubjectVersion> result = new ArrayList<>();
          subjects.forEach(
              (subject, versions) ->
                  versions.forEach(
                      (version, entry) -> {
                        if (entry.id() == id && (includeDeleted || !entry.deleted())) {
                          result.add(new SubjectVersion(subject, version));
                        }
                      }));
          return result;
        });
  }

  /**
   * The subjects holding schema {@code id}, sorted.
   *
   * @throws RegistryException 40403 unknown id
   */
  public List<String> subjectsForId(int id, boolean includeDeleted) {
    return versionsForId(id, includeDeleted).stream()
        .map(SubjectVersion::subject)
        .distinct()
        .toList();
  }

  /** The subjects with a live version (or any version, with {@code includeDeleted}), sorted. */
  public List<String> subjects(boolean includeDeleted) {
    return read(
        () ->
            subjects.keySet().stream()
                .filter(subject -> hasSubject(subject, includeDeleted))
                .toList());
  }

  /**
   * The subject's version numbers, ascending.
   *
   * @throws RegistryException 40401 no such subject (or only soft-deleted versions, without
   *     {@code includeDeleted})
   */
  public List<Integer> versions(String subject, boolean includeDeleted) {
    return read(
        () -> {
          if (!hasSubject(subject, includeDeleted)) {
            throw RegistryException.subjectNotFound(subject);
          }
          return subjects.get(subject).entrySet().stream()
              .filter(v -> includeDeleted || !v.getValue().deleted())
              .map(Map.Entry::getKey)
              .toList();
        });
  }

  /**
   * One subject version; {@code version} is a positive int, {@code "latest"} or {@code "-1"}
   * (the latest live version, even with {@code includeDeleted}, as in Confluent).
   *
   * @throws RegistryException 42202 invalid version, 40401 subject not found, 40402 version not
   *     found
   */
  public RegisteredSchema version(String subject, String version, boolean includeDeleted) {
    int v = parseVersion(version);
    return read(
        () -> {
          Map.Entry<Integer, VersionEntry> found = find(subject, v, includeDeleted);
          if (found == null) {
            if (!hasSubject(subject, includeDeleted)) {
              throw RegistryException.subjectNotFound(subject);
            }
            throw RegistryException.versionNotFound(v);
          }
          return registered(subject, found);
        });
  }

  /**
   * Deletes a subject: soft (its live versions are hidden, ids still resolve) or, for a subject
   * already soft-deleted, permanent (its versions and its compatibility level are removed).
   *
   * @return the versions deleted, ascending
   * @throws RegistryException 40401 subject not found, 40404 already soft-deleted (without
   *     permanent), 40405 permanent delete of a subject not soft-deleted first, 50001 store
   */
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    synchronized (writeMutex) {
      if (!hasSubject(subject, true)) {
        throw RegistryException.subjectNotFound(subject);
      }
      TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
      String failure = "Error while deleting the subject in the backend Kafka store";
      if (!permanent) {
        if (!hasSubject(subject, false)) {
          throw RegistryException.subjectSoftDeleted(subject);
        }
        List<Integer> live =
            versions.entrySet().stream()
                .filter(v -> !v.getValue().deleted())
                .map(Map.Entry::getKey)
                .toList();
        commit(new SubjectSoftDeleted(subject, live.get(live.size() - 1)), failure);
        log.info("Soft-deleted subject {} versions {}", subject, live);
        return live;
      }
      if (versions.values().stream().anyMatch(v -> !v.deleted())) {
        throw RegistryException.subjectNotSoftDeleted(subject);
      }
      List<Integer> all = List.copyOf(versions.keySet());
      for (int i = all.size() - 1; i >= 0; i--) {
        commit(new SchemaVersionRemoved(subject, all.get(i)), failure);
      }
      if (subjectLevels.containsKey(subject)) {
        commit(new ConfigRemoved(subject), failure);
      }
      log.info("Permanently deleted subject {} versions {}", subject, all);
      return all;
    }
  }

  /**
   * Deletes one subject version, soft or (once soft-deleted) permanent.
   *
   * @return the version number deleted (resolving {@code latest})
   * @throws RegistryException 42202 invalid version, 40401 subject not found, 40402 version not
   *     found, 40406 already soft-deleted (without permanent), 40407 permanent delete of a version
   *     not soft-deleted first, 50001 store
   */
  public int deleteVersion(String subject, String version, boolean permanent) {
    int v = parseVersion(version);
    synchronized (writeMutex) {
      TreeMap<Integer, VersionEntry> versions = subjects.getOrDefault(subject, new TreeMap<>());
      VersionEntry exact = versions.get(v);
      if (exact != null && exact.deleted() && !permanent) {
        throw RegistryException.versionSoftDeleted(subject, v);
      }
      Map.Entry<Integer, VersionEntry> found = find(subject, v, true);
      if (found == null) {
        if (!hasSubject(subject, true)) {
          throw RegistryException.subjectNotFound(subject);
        }
        throw RegistryException.versionNotFound(v);
      }
      int number = found.getKey();
      VersionEntry entry = found.getValue();
      String failure = "Delete Schema Version operation failed while writing to the Kafka store";
      if (!permanent) {
        commit(
            new SchemaVersionWritten(
                subject, number, entry.id(), schemasById.get(entry.id()).canonical(), true),
            failure);
        log.info("Soft-deleted {} version {}", subject, number);
        return number;
      }
      if (!entry.deleted()) {
        throw RegistryException.versionNotSoftDeleted(subject, number);
      }
      commit(new SchemaVersionRemoved(subject, number), failure);
      if (!subjects.containsKey(subject) && subjectLevels.containsKey(subject)) {
        commit(new ConfigRemoved(subject), failure);
      }
      log.info("Permanently deleted {} version {}", subject, number);
      return number;
    }
  }

  // ---------------------------------------------------------------- compatibility

  /**
   * Tests {@code input} against one version of the subject under the subject's level (only
   * that version, whatever the level's transitivity). As in Confluent, {@code latest} of a
   * subject with no live version is compatible: there is nothing to break.
   *
   * @return the incompatibilities, Confluent-worded; empty when compatible
   * @throws RegistryException 42202 invalid version, 40402 version not found, 42201 invalid
   *     schema
   */
  public List<String> testCompatibility(String subject, String version, SchemaInput input) {
    int v = parseVersion(version);
    Optional<AvroCompatibility.Previous> against =
        read(
            () -> {
              Map.Entry<Integer, VersionEntry> found = find(subject, v, false);
              if (found == null && v != -1) {
                throw RegistryException.versionNotFound(v);
              }
              return Optional.ofNullable(found).map(this::previous);
            });
    Parsed parsed = parse(input);
    return AvroCompatibility.check(
        effectiveLevel(subject), parsed.schema(), against.map(List::of).orElse(List.of()));
  }

  /**
   * Tests {@code input} against the subject's live versions exactly as registering it would.
   *
   * @return the incompatibilities, Confluent-worded; empty when compatible
   * @throws RegistryException 42201 invalid schema
   */
  public List<String> testCompatibility(String subject, SchemaInput input) {
    Parsed parsed = parse(input);
    List<AvroCompatibility.Previous> previous =
        read(() -> liveNewestFirst(subjects.getOrDefault(subject, new TreeMap<>())));
    return AvroCompatibility.check(effectiveLevel(subject), parsed.schema(), previous);
  }

  // ---------------------------------------------------------------- configuration

  /** The global level: the one set through the API, else this registry's default. */
  public CompatibilityLevel globalLevel() {
    return read(() -> globalLevel != null ? globalLevel : defaultLevel);
  }

  /** Sets the global level. @throws RegistryException 50001 store failure */
  public CompatibilityLevel setGlobalLevel(CompatibilityLevel level) {
    synchronized (writeMutex) {
      commit(new ConfigSet(null, level), "Failed to update compatibility level");
      return level;
    }
  }

  /**
   * Reverts the global level to this registry's default.
   *
   * @return the global level before the call
   */
  public CompatibilityLevel deleteGlobalLevel() {
    synchronized (writeMutex) {
      CompatibilityLevel previous = globalLevel != null ? globalLevel : defaultLevel;
      if (globalLevel != null) {
        commit(new ConfigRemoved(null), "Failed to delete compatibility level");
      }
      return previous;
    }
  }

  /** The level set for the subject itself, if any. */
  public Optional<CompatibilityLevel> subjectLevel(String subject) {
    return read(() -> Optional.ofNullable(subjectLevels.get(subject)));
  }

  /** The level that applies to the subject: its own, else the global one. */
  public CompatibilityLevel effectiveLevel(String subject) {
    return read(
        () -> {
          CompatibilityLevel own = subjectLevels.get(subject);
          if (own != null) {
            return own;
          }
          return globalLevel != null ? globalLevel : defaultLevel;
        });
  }

  /**
   * Sets the subject's own level (the subject need not exist yet, as in Confluent).
   *
   * @throws RegistryException 50001 store failure
   */
  public CompatibilityLevel setSubjectLevel(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(subject, "subject");
    synchronized (writeMutex) {
      commit(new ConfigSet(subject, level), "Failed to update compatibility level");
      return level;
    }
  }

  /**
   * Removes the subject's own level, so the global one applies again.
   *
   * @return the level removed
   * @throws RegistryException 40401 the subject has no level of its own (Confluent's answer)
   */
  public CompatibilityLevel deleteSubjectLevel(String subject) {
    synchronized (writeMutex) {
      CompatibilityLevel previous = subjectLevels.get(subject);
      if (previous == null) {
        throw RegistryException.subjectNotFound(subject);
      }
      commit(new ConfigRemoved(subject), "Failed to delete compatibility level");
      return previous;
    }
  }

  /**
   * Parses a compatibility level name, case-insensitively.
   *
   * @throws RegistryException 42203 not a level
   */
  public static CompatibilityLevel parseLevel(String name) {
    return CompatibilityLevel.parse(name).orElseThrow(RegistryException::invalidCompatibilityLevel);
  }

  /**
   * Parses a version path segment: a positive int, {@code latest} or {@code -1} (both giving -1).
   *
   * @throws RegistryException 42202 anything else
   */
  public static int parseVersion(String version) {
    String v = version.trim();
    if (v.equalsIgnoreCase("latest")) {
      return -1;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw RegistryException.invalidVersion(version);
    }
    if (parsed <= 0 && parsed != -1) {
      throw RegistryException.invalidVersion(String.valueOf(parsed));
    }
    return parsed;
  }

  // ---------------------------------------------------------------- internals

  /**
   * Validates and parses a submitted schema. A new parser per call: Avro's parser remembers the
   * named types it has seen, so sharing one would let one schema's types leak into another's.
   */
  private static Parsed parse(SchemaInput input) {
    String type = input.schemaType();
    if (type != null && !type.equals("AVRO")) {
      throw RegistryException.invalidSchema(
          "Invalid schema type " + type + ": this registry supports only AVRO");
    }
    if (!input.references().isEmpty()) {
      throw RegistryException.invalidSchema(
          "Invalid schema: schema references are not "
              + "supported by this registry, got "
              + input.references().size()
              + " reference(s)");
    }
    if (input.schema() == null || input.schema().isBlank()) {
      throw RegistryException.invalidSchema("Empty schema");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().setValidateDefaults(true).parse(input.schema());
    } catch (RuntimeException e) {
      // SchemaParseException, AvroTypeException (bad default), ...: all mean "not a schema".
      throw RegistryException.invalidSchema(
          "Invalid schema of type AVRO, details: " + e.getMessage());
    }
    return new Parsed(schema, schema.toString());
  }

  /** Appends {@code event} and, only once it is durable, applies it. Holds writeMutex. */
  private void commit(StoreEvent event, String failure) {
    try {
      store.append(event);
    } catch (RuntimeException e) {
      log.error("{}: {}", failure, event, e);
      throw RegistryException.storeError(failure, e);
    }
    stateLock.writeLock().lock();
    try {
      apply(event);
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /**
   * Applies one log event to memory; used for replay and for new writes alike, so a restart
   * rebuilds exactly what was served. Events that refer to something absent are ignored, since
   * compaction may legitimately have removed what they referred to.
   */
  private void apply(StoreEvent event) {
    if (event instanceof SchemaVersionWritten e) {
      SchemaEntry known = schemasById.get(e.id());
      if (known == null) {
        Schema parsed;
        try {
          parsed = new Schema.Parser().setValidateDefaults(false).parse(e.schema());
        } catch (RuntimeException ex) {
          throw new IllegalStateException(
              "schema log holds an unparsable schema for "
                  + e.subject()
                  + " version "
                  + e.version()
                  + " (id "
                  + e.id()
                  + ")",
              ex);
        }
        // Stored text is already canonical when we wrote it; canonicalise anyway in case the
        // log was written by another registry with different formatting.
        known = new SchemaEntry(e.id(), parsed.toString(), parsed);
        schemasById.put(e.id(), known);
        idsByCanonical.putIfAbsent(known.canonical(), e.id());
      } else if (!known.canonical().equals(e.schema())
          && !known
              .canonical()
              .equals(
                  new Schema.Parser().setValidateDefaults(false).parse(e.schema()).toString())) {
        // (The cheap text comparison first: replaying a long log should not re-parse.)
        throw new IllegalStateException(
            "schema log gives id "
                + e.id()
                + " to two different "
                + "schemas (again at "
                + e.subject()
                + " version "
                + e.version()
                + ")");
      }
      subjects
          .computeIfAbsent(e.subject(), s -> new TreeMap<>())
          .put(e.version(), new VersionEntry(e.id(), e.deleted()));
      maxId = Math.max(maxId, e.id());
    } else if (event instanceof SchemaVersionRemoved e) {
      TreeMap<Integer, VersionEntry> versions = subjects.get(e.subject());
      if (versions == null) {
        return;
      }
      VersionEntry removed = versions.remove(e.version());
      if (versions.isEmpty()) {
        subjects.remove(e.subject());
      }
      if (removed != null && !idInUse(removed.id())) {
        SchemaEntry gone = schemasById.remove(removed.id());
        idsByCanonical.remove(gone.canonical(), removed.id());
      }
    } else if (event instanceof SubjectSoftDeleted e) {
      TreeMap<Integer, VersionEntry> versions = subjects.get(e.subject());
      if (versions != null) {
        versions
            .headMap(e.upToVersion(), true)
            .replaceAll((version, entry) -> new VersionEntry(entry.id(), true));
      }
    } else if (event instanceof ConfigSet e) {
      if (e.subject() == null) {
        globalLevel = e.level();
      } else {
        subjectLevels.put(e.subject(), e.level());
      }
    } else if (event instanceof ConfigRemoved e) {
      if (e.subject() == null) {
        globalLevel = null;
      } else {
        subjectLevels.remove(e.subject());
      }
    }
  }

  private boolean idInUse(int id) {
    return subjects.values().stream()
        .anyMatch(versions -> versions.values().stream().anyMatch(v -> v.id() == id));
  }

  private boolean hasSubject(String subject, boolean includeDeleted) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    return versions != null
        && (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted()));
  }

  /**
   * The entry for {@code version} (-1: the latest live version); a soft-deleted one only with
   * {@code includeDeleted}. Null when there is none.
   */
  private Map.Entry<Integer, VersionEntry> find(
      String subject, int version, boolean includeDeleted) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    if (versions == null) {
      return null;
    }
    if (version == -1) {
      return versions.descendingMap().entrySet().stream()
          .filter(v -> !v.getValue().deleted())
          .findFirst()
          .orElse(null);
    }
    VersionEntry entry = versions.get(version);
    return entry == null || (entry.deleted() && !includeDeleted) ? null : Map.entry(version, entry);
  }

  private List<AvroCompatibility.Previous> liveNewestFirst(
      TreeMap<Integer, VersionEntry> versions) {
    return versions.descendingMap().entrySet().stream()
        .filter(v -> !v.getValue().deleted())
        .map(this::previous)
        .toList();
  }

  private AvroCompatibility.Previous previous(Map.Entry<Integer, VersionEntry> version) {
    SchemaEntry schema = schemasById.get(version.getValue().id());
    return new AvroCompatibility.Previous(version.getKey(), schema.parsed(), schema.canonical());
  }

  private RegisteredSchema registered(String subject, Map.Entry<Integer, VersionEntry> version) {
    int id = version.getValue().id();
    return new RegisteredSchema(subject, version.getKey(), id, schemasById.get(id).canonical());
  }

  private <T> T read(Supplier<T> query) {
    stateLock.readLock().lock();
    try {
      return query.get();
    } finally {
      stateLock.readLock().unlock();
    }
  }
}
