package io.veneer.agent.hypervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The host programs drivers run (qemu-img, mount, mkfs) and the guest processes they wait on. */
public final class HostCommands {

  /** Longest a short host command (creating a disk, mounting) may take. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private HostCommands() {}

  /**
   * Runs {@code command} to its end.
   *
   * @param what what it does, for the failure's message ("create the overlay of ...")
   * @throws HypervisorException with the command's output when it fails or takes over a minute
   */
  public static void run(List<String> command, String what) throws HypervisorException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          || process.exitValue() != 0) {
        throw new HypervisorException("Cannot " + what + ": " + output.strip());
      }
    } catch (IOException e) {
      throw new HypervisorException("Cannot " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException("Interrupted while trying to " + what, e);
    }
  }

  /** Whether {@code process} ended within {@code timeout}. */
  public static boolean waitForExit(ProcessHandle process, Duration timeout) {
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
