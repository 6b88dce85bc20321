package io.veneer.localstack.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a child's log for the reason it failed. */
public final class LogFile {

  private static final Pattern SPRING_BOOT_FAILURE =
      Pattern.compile(
          "APPLICATION FAILED TO START\\s*\\*+\\s*Description:\\s*(.+?)\\s*Action:\\s*(.+?)(\\n\\s*\\n|\\z)",
          Pattern.DOTALL);
  private static final Pattern PORT_IN_USE =
      Pattern.compile("(?i)port (\\d+) (?:was )?already in use|Address already in use.*?:(\\d+)");

  private LogFile() {}

  /** Spring Boot's own failure analysis: what went wrong and what to do. */
  public record FailureAnalysis(String description, String action) {}

  /** The last {@code count} non-blank lines of a log ({@code (empty log)} when there are none). */
  public static List<String> tail(Path log, int count) {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
              .filter(line -> !line.isBlank())
              .toList();
      return lines.isEmpty()
          ? List.of("(empty log)")
          : lines.subList(Math.max(0, lines.size() - count), lines.size());
    } catch (IOException e) {
      return List.of("(no log at " + log + ")");
    }
  }

  /** The "APPLICATION FAILED TO START" block a Spring Boot service printed, if any. */
  public static Optional<FailureAnalysis> springBootFailure(Path log) {
    Matcher matcher = SPRING_BOOT_FAILURE.matcher(read(log));
    FailureAnalysis last = null;
    while (matcher.find()) {
      last = new FailureAnalysis(oneLine(matcher.group(1)), oneLine(matcher.group(2)));
    }
    return Optional.ofNullable(last);
  }

  /** A port the log says was taken by someone else. */
  public static Optional<Integer> portInUse(Path log) {
    Matcher matcher = PORT_IN_USE.matcher(read(log));
    Integer port = null;
    while (matcher.find()) {
      port = Integer.valueOf(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }
    return Optional.ofNullable(port);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
