package dev.nines.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    Found f = find(record, record.getSchema(), max);
    if (f == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(
            TOO_LONG,
            f.path()
                + " is "
                + f.length
                + " characters long: expected at most "
                + max
                + " (ingest.max.text.length)"));
  }

  /**
   * The text found too long: its length, and the steps from the record down to it, innermost
   * first. The path is spelled only for a record that has one, not on every check.
   */
  private static final class Found {
    final int length;
    final List<String> steps = new ArrayList<>(); // "." + field name, "[i]", " key"

    Found(int length) {
      this.length = length;
    }

    Found under(String step) {
      steps.add(step);
      return this;
    }

    /** {@code a.b[2].c}, {@code m key}, {@code m[k]}: the top-level field without a dot. */
    String path() {
      StringBuilder b = new StringBuilder();
      for (int i = steps.size() - 1; i >= 0; i--) {
        String s = steps.get(i);
        b.append(b.length() == 0 && s.startsWith(".") ? s.substring(1) : s);
      }
      return b.toString();
    }
  }

  /**
   * Led by the schema: only string values are measured, and fields of other types are passed by
   * without a type test of their value (a test against an interface, per field of every receipt,
   * was a twentieth of the receipts' input task in the throughput profile).
   */
  private static Found find(Object value, Schema schema, int max) {
    if (value == null) {
      return null;
    }
    switch (schema.getType()) {
      case STRING:
        // a logical type may map the string to another class (uuid): not free text
        return value instanceof CharSequence text && text.length() > max
            ? new Found(text.length())
            : null;
      case RECORD:
        IndexedRecord r = (IndexedRecord) value;
        for (Schema.Field f : schema.getFields()) {
          Found p = find(r.get(f.pos()), f.schema(), max);
          if (p != null) {
            return p.under("." + f.name());
          }
        }
        return null;
      case ARRAY:
        int i = 0;
        for (Object item : (Collection<?>) value) {
          Found p = find(item, schema.getElementType(), max);
          if (p != null) {
            return p.under("[" + i + "]");
          }
          i++;
        }
        return null;
      case MAP:
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          Found p = findAny(e.getKey(), max);
          if (p != null) {
            return p.under(" key");
          }
          p = find(e.getValue(), schema.getValueType(), max);
          if (p != null) {
            return p.under("[" + e.getKey() + "]");
          }
        }
        return null;
      case UNION:
        return findAny(value, max); // the branch is the value's own type
      default:
        return null; // numbers, booleans, enums, bytes, fixed: no text
    }
  }

  /** Led by the value's type, where the schema leaves it open (a union's branch, a map key). */
  private static Found findAny(Object value, int max) {
    if (value instanceof CharSequence text) {
      return text.length() > max ? new Found(text.length()) : null;
    } else if (value instanceof IndexedRecord r) {
      return find(r, r.getSchema(), max);
    } else if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        Found p = findAny(item, max);
        if (p != null) {
          return p.under("[" + i + "]");
        }
        i++;
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Found p = findAny(e.getKey(), max);
        if (p != null) {
          return p.under(" key");
        }
        p = findAny(e.getValue(), max);
        if (p != null) {
          return p.under("[" + e.getKey() + "]");
        }
      }
    }
    return null;
  }
}
