package dev.nines.ingest;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The first text field of a record, at any depth (nested records, arrays, maps), longer than a
 * limit. Ids and names are short; a huge one is a producer's bug, and passed on it would make an
 * output record over the broker's size limit, failing the stream thread on every retry.
 */
public final class TextLimit {
  private TextLimit() {}

  public static final String TOO_LONG = "text-too-long";

  /** A problem naming the field's path and length, or empty if every text is within {@code max}. */
  public static Optional<Problem> check(IndexedRecord record, int max) {
    return find(record, "", max);
  }

  private static Optional<Problem> find(Object value, String path, int max) {
    if (value instanceof CharSequence text) {
      if (text.length() > max) {
        return Optional.of(
            new Problem(
                TOO_LONG,
                path
                    + " is "
                    + text.length()
                    + " characters long: expected at most "
                    + max
                    + " (ingest.max.text.length)"));
      }
    } else if (value instanceof IndexedRecord r) {
      for (Schema.Field f : r.getSchema().getFields()) {
        Optional<Problem> p =
            find(r.get(f.pos()), path.isEmpty() ? f.name() : path + "." + f.name(), max);
        if (p.isPresent()) {
          return p;
        }
      }
    } else if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        Optional<Problem> p = find(item, path + "[" + i++ + "]", max);
        if (p.isPresent()) {
          return p;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Optional<Problem> p =
            find(e.getKey(), path + " key", max)
                .or(() -> find(e.getValue(), path + "[" + e.getKey() + "]", max));
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }
}
