package dev.nines.platform.registry;

/**
 * A schema as registered under one subject version: what Confluent returns for
 * {@code GET /subjects/{subject}/versions/{version}} and a schema lookup. {@code schema} is the
 * registry's canonical text of the schema (Avro's own JSON rendering of the parsed schema), which
 * is what Confluent stores and returns, not the caller's original formatting.
 */
public record RegisteredSchema(String subject, int version, int id, String schema) {}
