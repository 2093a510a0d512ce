/**
 * Input checks that run right after a source: a record that cannot be used is thrown out as an
 * {@link dev.nines.ingest.InvalidInputException}, which Kafka Streams' own processing exception
 * handler writes to {@code dead-letters} with the original bytes (KIP-1034).
 */
package dev.nines.ingest;
