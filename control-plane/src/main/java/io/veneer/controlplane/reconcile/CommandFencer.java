package io.veneer.controlplane.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fences a host by running the deployment's command (an IPMI or PDU call, a cloud API's stop): exit
 * status 0 means fenced. The command runs without a shell, with an environment of {@code PATH} only
 * (the control plane's secrets stay out of it), and is killed at its timeout.
 */
final class CommandFencer implements Fencer {

  /** What is kept of the command's output for the reason of a failure. */
  private static final int OUTPUT_LIMIT = 2_048;

  private final List<String> command;
  private final Duration timeout;

  CommandFencer(List<String> command, Duration timeout) {
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public Outcome fence(String hostId) {
    List<String> argv = command.stream().map(arg -> arg.replace("{host}", hostId)).toList();
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    String path = builder.environment().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    builder.environment().clear();
    builder.environment().put("PATH", path);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Outcome.Failed("could not run " + argv.getFirst() + ": " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Its input is closed either way: a command waiting on it reads nothing.
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(() -> head(process.getInputStream()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Outcome.Failed("the fence command took longer than " + timeout + "; killed");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Outcome.Failed("interrupted while the fence command ran");
    }
    String said = output.join().strip();
    if (process.exitValue() != 0) {
      return new Outcome.Failed(
          "the fence command exited with "
              + process.exitValue()
              + (said.isEmpty() ? "" : ": " + said));
    }
    return new Outcome.Fenced(
        "fenced by " + argv.getFirst() + (said.isEmpty() ? "" : " (" + said + ")"));
  }

  /** The start of what the command wrote; the rest is read and dropped so it never blocks. */
  private static String head(InputStream in) {
    try (in) {
      byte[] head = in.readNBytes(OUTPUT_LIMIT);
      in.transferTo(OutputStream.nullOutputStream());
      return new String(head, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
