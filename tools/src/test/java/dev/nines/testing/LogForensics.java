package dev.nines.testing;

import dev.nines.platform.local.LocalPlatform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;

/**
 * The batches of one partition as the embedded broker stored them, read from its segment files:
 * offsets, producer id and epoch, transactional or not, and the COMMIT/ABORT markers. For a test
 * that found records missing under read_committed: it shows whether they were written, and which
 * marker (if any) ended their transaction. (Kafka's own DumpLogSegments is in kafka-tools, which
 * the project does not depend on; kafka-clients can read the segment format.)
 */
public final class LogForensics {
  private LogForensics() {}

  public static List<String> batches(LocalPlatform platform, String topic, int partition) {
    List<String> out = new ArrayList<>();
    String name = topic + "-" + partition;
    try {
      for (Path dir : partitionDirs(platform.kafka().options().dataDir(), name)) {
        out.add("== " + dir);
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.filter(x -> x.toString().endsWith(".log")).sorted().toList()) {
            out.addAll(describe(f));
          }
        }
      }
    } catch (IOException e) {
      out.add("cannot read the segments of " + name + ": " + e);
    }
    return out;
  }

  /**
   * The directories named {@code name} down to three levels (node, log dir, partition). The broker
   * writes and renames its checkpoint files meanwhile: one that vanishes is skipped.
   */
  private static List<Path> partitionDirs(Path data, String name) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        data,
        Set.of(),
        3,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return take(dir, attrs) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            take(file, attrs); // at the depth limit, directories arrive here
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }

          private boolean take(Path p, BasicFileAttributes attrs) {
            boolean match = attrs.isDirectory() && p.getFileName().toString().equals(name);
            if (match) {
              found.add(p);
            }
            return match;
          }
        });
    return found;
  }

  private static List<String> describe(Path segment) throws IOException {
    List<String> out = new ArrayList<>();
    try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
      for (FileChannelRecordBatch b : records.batches()) {
        StringBuilder s = new StringBuilder();
        s.append(
            String.format(
                "offsets %d-%d pid=%d epoch=%d seq=%d txn=%s",
                b.baseOffset(),
                b.lastOffset(),
                b.producerId(),
                b.producerEpoch(),
                b.baseSequence(),
                b.isTransactional()));
        if (b.isControlBatch()) {
          for (Record r : b) {
            s.append(" CONTROL ").append(ControlRecordType.parse(r.key()));
          }
        } else {
          List<String> keys = new ArrayList<>();
          for (Record r : b) {
            keys.add(text(r.key()) + "@" + Instant.ofEpochMilli(r.timestamp()));
          }
          s.append(" records ").append(keys);
        }
        out.add(s.toString());
      }
    }
    return out;
  }

  private static String text(ByteBuffer b) {
    if (b == null) {
      return "null";
    }
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
