/**
 * Queryable views of the pipeline's own outputs, for the HTTP API and status page
 * (dev.nines.api): small, explicitly named state stores that each feature's topology fills from
 * the records it writes, in the same task and the same transaction. They change no output.
 *
 * <p>Which task holds a key: routing views are keyed by route id in the task of that route
 * (default partitioning); uptime and credit views live in the task of their service, whatever
 * their key's other parts, so {@link dev.nines.views.ServicePartitioner} finds them.
 */
package dev.nines.views;
