package dev.nines.eventtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * {@link IdFilter}: an id added always answers "maybe" (never a false "no", which would count a
 * duplicate twice), across the chain's growth; ids never added answer "no" about 99 % of the
 * time (the rate a Bloom filter of 10 bits per id and 7 probes gives in theory: 0.8 %; blocked
 * a little more).
 */
class IdFilterTest {

  @Property(tries = 200)
  void everyIdAddedMightBeContained(
      @ForAll @Size(max = 300) List<@StringLength(max = 60) String> ids) {
    IdFilter f = new IdFilter(0);
    ids.forEach(id -> f.add(IdFilter.hash(id.getBytes(UTF_8))));
    assertThat(ids).allSatisfy(id -> assertThat(f.mightContain(hash(id))).as(id).isTrue());
    assertThat(f.added()).isEqualTo(ids.size());
  }

  @Test
  void theChainGrowsFourfoldAndForgetsNothing() {
    IdFilter f = new IdFilter(0);
    int n = IdFilter.MIN_CAPACITY * 3; // the first link full, then half of the second
    for (int i = 0; i < n; i++) {
      f.add(hash("msg-" + i));
    }
    for (int i = 0; i < n; i++) {
      if (!f.mightContain(hash("msg-" + i))) {
        throw new AssertionError("msg-" + i + " added but not found");
      }
    }
    // 10 bits per id, in 64-byte blocks: the first link and one four times its size
    long first = IdFilter.MIN_CAPACITY * 10L / 8;
    assertThat(f.bytes()).isEqualTo(first + 4 * first);
    assertThat(IdFilter.bytesFor(IdFilter.MIN_CAPACITY)).isEqualTo(first);
  }

  @Test
  void aboutOneIdInAHundredNeverAddedAnswersMaybe() {
    Random random = new Random(7);
    IdFilter f = new IdFilter(100_000);
    Set<String> added = new HashSet<>();
    while (added.size() < 100_000) {
      String id = Long.toHexString(random.nextLong()) + "-" + random.nextInt(1000);
      added.add(id);
      f.add(hash(id));
    }
    int maybe = 0;
    int asked = 0;
    while (asked < 200_000) {
      String id = Long.toHexString(random.nextLong()) + "-" + random.nextInt(1000);
      if (added.contains(id)) {
        continue;
      }
      asked++;
      if (f.mightContain(hash(id))) {
        maybe++;
      }
    }
    double rate = maybe / (double) asked;
    assertThat(rate).as("false 'maybe' rate").isBetween(0.001, 0.02);
  }

  @Test
  void idsOfOneLengthAndFewDifferentBytesSpreadOverTheBlocks() {
    // sequential ids, as many producers make them: one differing character at the end
    IdFilter f = new IdFilter(100_000);
    for (int i = 0; i < 100_000; i++) {
      f.add(hash(String.format("m-%08d", i)));
    }
    int maybe = 0;
    for (int i = 100_000; i < 300_000; i++) {
      if (f.mightContain(hash(String.format("m-%08d", i)))) {
        maybe++;
      }
    }
    assertThat(maybe / 200_000.0).as("false 'maybe' rate").isLessThan(0.02);
  }

  private static long hash(String id) {
    return IdFilter.hash(id.getBytes(UTF_8));
  }
}
