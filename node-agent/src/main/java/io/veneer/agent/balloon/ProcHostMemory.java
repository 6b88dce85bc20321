package io.veneer.agent.balloon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the kernel's memory pressure (PSI) and MemAvailable under a {@code /proc}. */
public record ProcHostMemory(Path proc) implements HostMemory {

  private static final Pattern SOME_AVG10 =
      Pattern.compile("^some avg10=([0-9.]+)", Pattern.MULTILINE);
  private static final Pattern AVAILABLE =
      Pattern.compile("^MemAvailable:\\s+(\\d+) kB", Pattern.MULTILINE);

  public static ProcHostMemory system() {
    return new ProcHostMemory(Path.of("/proc"));
  }

  @Override
  public Reading read() throws IOException {
    return new Reading(
        Double.parseDouble(find(SOME_AVG10, proc.resolve("pressure/memory"))),
        Long.parseLong(find(AVAILABLE, proc.resolve("meminfo"))) / 1024);
  }

  private static String find(Pattern pattern, Path file) throws IOException {
    Matcher matcher = pattern.matcher(Files.readString(file));
    if (!matcher.find()) {
      throw new IOException(file + " does not say " + pattern.pattern());
    }
    return matcher.group(1);
  }
}
