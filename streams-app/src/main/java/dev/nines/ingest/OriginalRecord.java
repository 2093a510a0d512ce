package dev.nines.ingest;

/**
 * An input record as read, with its place: what a dead letter holds when the record is judged
 * after a repartition, where Kafka Streams' own handler would only see the internal record.
 */
public record OriginalRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}
