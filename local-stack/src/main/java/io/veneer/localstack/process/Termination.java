package io.veneer.localstack.process;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends one process: SIGTERM so it can shut down cleanly, SIGKILL when it takes too long. */
public final class Termination {

  private static final Duration AFTER_KILL = Duration.ofSeconds(5);

  private Termination() {}

  /** Returns true when the process is gone. */
  public static boolean terminate(ProcessHandle process, Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (awaitExit(process, grace)) {
      return true;
    }
    process.destroyForcibly();
    return awaitExit(process, AFTER_KILL);
  }

  static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
