package dev.nines.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.testing.RepoFiles;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Every field of every value schema says what it means (an Avro {@code doc}), and docs/topics.md
 * names every topic and, under a heading per record, every field of that record.
 */
class TopicsPageTest {

  /** Every record schema reachable from a topic's value type, by simple name. */
  static Map<String, Schema> records() {
    Map<String, Schema> out = new LinkedHashMap<>();
    for (Topic<?> t : Topics.ALL) {
      if (t.valueType() != null) {
        collect(SpecificData.get().getSchema(t.valueType()), out);
      }
    }
    return out;
  }

  private static void collect(Schema s, Map<String, Schema> out) {
    switch (s.getType()) {
      case RECORD -> {
        if (out.putIfAbsent(s.getName(), s) == null) {
          s.getFields().forEach(f -> collect(f.schema(), out));
        }
      }
      case UNION -> s.getTypes().forEach(x -> collect(x, out));
      case ARRAY -> collect(s.getElementType(), out);
      case MAP -> collect(s.getValueType(), out);
      default -> {}
    }
  }

  @Test
  void everyRecordAndFieldHasADoc() {
    Map<String, Schema> records = records();
    assertThat(records).containsKeys("DeliveryReceipt", "SlaCredit", "CarrierWeight");
    for (Schema r : records.values()) {
      assertThat(r.getDoc()).as("doc of record %s", r.getFullName()).isNotBlank();
      for (Schema.Field f : r.getFields()) {
        assertThat(f.doc()).as("doc of %s.%s", r.getName(), f.name()).isNotBlank();
      }
    }
  }

  @Test
  void theTopicsPageNamesEveryTopicAndEveryFieldUnderItsRecord() throws Exception {
    String page = Files.readString(RepoFiles.path("docs/topics.md"));
    for (Topic<?> t : Topics.ALL) {
      assertThat(page).as("topic %s", t.name()).contains("`" + t.name() + "`");
    }
    for (Schema r : records().values()) {
      String section = section(page, "### " + r.getName());
      for (Schema.Field f : r.getFields()) {
        assertThat(section)
            .as("docs/topics.md, section %s, field %s", r.getName(), f.name())
            .containsPattern("(?m)^\\| `" + Pattern.quote(f.name()) + "` \\|");
      }
    }
  }

  /** The text from a heading line to the next heading of the same or a higher level. */
  static String section(String page, String heading) {
    int i = page.indexOf("\n" + heading + "\n");
    assertThat(i).as("docs/topics.md has a section '%s'", heading).isNotNegative();
    int start = i + heading.length() + 2;
    Matcher next = Pattern.compile("(?m)^#{1,3} ").matcher(page);
    int end = next.find(start) ? next.start() : page.length();
    return page.substring(start, end);
  }
}
