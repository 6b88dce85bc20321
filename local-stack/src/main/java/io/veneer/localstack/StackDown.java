package io.veneer.localstack;

import io.veneer.localstack.parts.GuestReaper;
import io.veneer.localstack.parts.LocalPostgres;
import io.veneer.localstack.process.ProcessRecords;
import io.veneer.localstack.process.Termination;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./veneer down}: asks a running launcher to stop its stack (as Ctrl-C would), then stops
 * whatever a launcher that died left behind: recorded processes, guests, PostgreSQL.
 */
final class StackDown {

  private static final Duration LAUNCHER_STOP = Duration.ofMinutes(3);

  private final StackLayout layout;
  private final Progress progress;

  StackDown(StackLayout layout, Progress progress) {
    this.layout = layout;
    this.progress = progress;
  }

  /** The launcher of a stack that is up (or coming up), if any. */
  static Optional<ProcessHandle> launcher(StackLayout layout) throws IOException {
    return new ProcessRecords(layout.launcherPid())
        .entries().stream().findFirst().flatMap(ProcessRecords.Entry::live);
  }

  int run() throws IOException {
    Optional<ProcessHandle> launcher = launcher(layout);
    if (launcher.isPresent()) {
      progress.say("Stopping the stack (launcher pid " + launcher.get().pid() + ")...");
      if (!Termination.terminate(launcher.get(), LAUNCHER_STOP)) {
        progress.say("The launcher survived SIGKILL; stopping its parts directly.");
      }
    }
    int stopped = stopLeftovers();
    if (launcher.isEmpty() && stopped == 0) {
      progress.say("Nothing is running (state in " + layout.show(layout.root()) + ").");
    } else {
      progress.say("Veneer is down. Its data stays in " + layout.show(layout.root()) + ".");
    }
    return 0;
  }

  /** Stops what an earlier launcher left running; returns how many processes it stopped. */
  int stopLeftovers() throws IOException {
    int stopped = 0;
    ProcessRecords records = new ProcessRecords(layout.processes());
    List<ProcessRecords.Entry> entries = records.entries();
    // Newest first, as the launcher itself stops them: agents before the services they use.
    for (ProcessRecords.Entry entry : entries.reversed()) {
      Optional<ProcessHandle> live = entry.live();
      if (live.isPresent()) {
        stopped += stop(entry.name(), live.get(), Duration.ofSeconds(20));
      }
      records.remove(entry.pid());
    }
    List<String> guests = GuestReaper.stopGuests(layout.agents(), Duration.ofSeconds(10));
    for (String guest : guests) {
      progress.stopped("guest " + guest, Duration.ZERO);
    }
    stopped += guests.size();
    Optional<ProcessHandle> postgres = LocalPostgres.postmaster(layout.postgresData());
    if (postgres.isPresent()) {
      stopped += stop("postgres", postgres.get(), Duration.ofSeconds(30));
    }
    Files.deleteIfExists(layout.launcherPid());
    return stopped;
  }

  private int stop(String name, ProcessHandle process, Duration grace) throws IOException {
    progress.stopping(name + " (pid " + process.pid() + ")");
    long begin = System.nanoTime();
    if (!Termination.terminate(process, grace)) {
      throw new IOException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
    progress.stopped(name, Duration.ofNanos(System.nanoTime() - begin));
    return 1;
  }
}
