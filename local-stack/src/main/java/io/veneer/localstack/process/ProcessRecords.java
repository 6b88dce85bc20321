package io.veneer.localstack.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes the stack started, on disk, so that {@code ./veneer down} can stop them even when
 * the launcher that started them is gone. One line per process: {@code pid start-millis name}; the
 * start time guards against a pid the system has since given to someone else.
 */
public final class ProcessRecords {

  private final Path file;

  public ProcessRecords(Path file) {
    this.file = file;
  }

  /** One recorded process. */
  public record Entry(String name, long pid, long startMillis) {

    /** The process, if it still runs and is the one that was recorded. */
    public Optional<ProcessHandle> live() {
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              handle ->
                  startMillis == 0
                      || handle
                          .info()
                          .startInstant()
                          .map(started -> Math.abs(started.toEpochMilli() - startMillis) < 1000)
                          .orElse(false));
    }
  }

  public synchronized void add(String name, ProcessHandle process) throws IOException {
    List<Entry> entries = new ArrayList<>(entries());
    long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    entries.add(new Entry(name, process.pid(), started));
    write(entries);
  }

  public synchronized void remove(long pid) throws IOException {
    List<Entry> entries = new ArrayList<>(entries());
    if (entries.removeIf(entry -> entry.pid() == pid)) {
      write(entries);
    }
  }

  /** Every recorded process, oldest first. */
  public synchronized List<Entry> entries() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.strip().split(" ", 3);
      if (fields.length == 3) {
        try {
          entries.add(new Entry(fields[2], Long.parseLong(fields[0]), Long.parseLong(fields[1])));
        } catch (NumberFormatException e) {
          // A line torn by a crash names nothing that can be stopped safely.
        }
      }
    }
    return List.copyOf(entries);
  }

  private void write(List<Entry> entries) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    StringBuilder text = new StringBuilder();
    for (Entry entry : entries) {
      text.append(entry.pid())
          .append(' ')
          .append(entry.startMillis())
          .append(' ')
          .append(entry.name())
          .append('\n');
    }
    Files.writeString(temp, text);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
