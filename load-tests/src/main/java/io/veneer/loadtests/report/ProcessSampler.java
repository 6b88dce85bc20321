package io.veneer.loadtests.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads one process's resident memory and CPU time from /proc once a second while the load runs:
 * peak RSS and the cores it used on average.
 */
public final class ProcessSampler implements AutoCloseable {

  /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** What the process used between start and close. */
  public record Usage(String name, long peakRssMib, long lastRssMib, double cpuCores) {

    @Override
    public String toString() {
      return String.format(
          "%s: RSS peak %d MiB, at the end %d MiB; CPU %.2f cores on average",
          name, peakRssMib, lastRssMib, cpuCores);
    }
  }

  private final String name;
  private final long pid;
  private final long startNanos = System.nanoTime();
  private final long startTicks;
  private final Thread sampler;
  private volatile long peakKib;
  private volatile long lastKib;

  public ProcessSampler(String name, long pid) {
    this.name = name;
    this.pid = pid;
    this.startTicks = cpuTicks();
    this.sampler = Thread.ofVirtual().name("sampler-" + name).start(this::sample);
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      long kib = rssKib();
      lastKib = kib;
      peakKib = Math.max(peakKib, kib);
      try {
        Thread.sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public Usage usage() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double cpu = (cpuTicks() - startTicks) / TICKS_PER_SECOND;
    long last = rssKib();
    return new Usage(
        name, Math.max(peakKib, last) / 1024, last / 1024, seconds > 0 ? cpu / seconds : 0);
  }

  @Override
  public void close() {
    sampler.interrupt();
  }

  private long rssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // The process ended: nothing more to read.
    }
    return 0;
  }

  /** utime + stime, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name). */
  private long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
