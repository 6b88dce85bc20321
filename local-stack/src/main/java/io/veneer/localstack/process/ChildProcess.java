package io.veneer.localstack.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A process the stack started, with the log its output goes to. */
public final class ChildProcess {

  private final String name;
  private final Process process;
  private final Path log;
  private final ProcessRecords records;

  ChildProcess(String name, Process process, Path log, ProcessRecords records) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.records = records;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The exit code; only meaningful once {@link #alive()} is false. */
  public int exitCode() {
    return process.exitValue();
  }

  /** Waits for the process to end on its own (a one-shot tool); false when it is still running. */
  public boolean awaitExit(Duration timeout) {
    return Termination.awaitExit(process.toHandle(), timeout);
  }

  /** Stops the process (SIGTERM, then SIGKILL after {@code grace}) and forgets its record. */
  public void stop(Duration grace) throws IOException {
    if (!Termination.terminate(process.toHandle(), grace)) {
      throw new IOException(name + " (pid " + pid() + ") survived SIGKILL");
    }
    records.remove(pid());
  }
}
