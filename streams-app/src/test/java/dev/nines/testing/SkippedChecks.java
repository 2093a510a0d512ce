package dev.nines.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Collects the checks a run skipped because the machine lacks a tool (Chromium, docker-compose,
 * Python's confluent-kafka), with the reason each gave, which names the command that installs
 * it. Written to {@code target/skipped-checks.txt} by every test JVM (unit and integration), and
 * printed as one line at the end of {@code mvn verify} (the antrun step in the pom): a skipped
 * check must not pass silently for a green run.
 */
public final class SkippedChecks implements TestExecutionListener {
  static final Path FILE =
      Path.of(System.getProperty("nines.skipped.checks", "target/skipped-checks.txt"));

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    record(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private static void record(TestIdentifier test, String reason) {
    String name = test.getLegacyReportingName();
    String where =
        test.getParentIdObject().isPresent()
            ? test.getUniqueId()
                    .replaceAll(".*\\[class:([^\\]]*)\\].*", "$1")
                    .replaceAll(".*\\.", "")
                + "."
                + name
            : name;
    String line =
        where + " (" + (reason == null ? "skipped" : reason.replace('\n', ' ').trim()) + "); ";
    try {
      Files.createDirectories(FILE.toAbsolutePath().getParent());
      Files.writeString(
          FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("could not note a skipped check in " + FILE + ": " + e);
    }
  }
}
