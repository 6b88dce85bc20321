package io.veneer.localstack;

import java.nio.file.Path;
import java.util.List;

/**
 * A part of the stack could not start: what happened, what the person at the keyboard can do about
 * it, and where to read more.
 */
public final class StartupFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final String part;
  private final String fix;
  private final transient Path log;
  private final List<String> logTail;

  public StartupFailure(String part, String reason, String fix, Path log, List<String> logTail) {
    super(reason);
    this.part = part;
    this.fix = fix;
    this.log = log;
    this.logTail = List.copyOf(logTail);
  }

  public StartupFailure(String part, String reason, String fix) {
    this(part, reason, fix, null, List.of());
  }

  public String part() {
    return part;
  }

  public String fix() {
    return fix;
  }

  /** The log to read, or null. */
  public Path log() {
    return log;
  }

  public List<String> logTail() {
    return logTail;
  }
}
