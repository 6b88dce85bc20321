package io.veneer.controlplane.reconcile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How hosts given up as UNREACHABLE are fenced ({@code veneer.fencing.*}). Refused at start when a
 * setting could not be honoured, rather than accepted and ignored.
 *
 * @param mode {@code manual} (default): an admin fences, after checking the host is off; {@code
 *     command}: the control plane runs {@link #command} for each UNREACHABLE host and fences it
 *     when the command succeeds
 * @param command the fence command and its arguments, run without a shell; {@code {host}} in an
 *     argument is replaced by the host's id. The first is an absolute path to an executable.
 * @param timeout how long one run may take before it is killed and counted as failed
 * @param retry how long after a failed run the next is tried
 */
@ConfigurationProperties("veneer.fencing")
public record FencingProperties(
    @DefaultValue("manual") String mode,
    @DefaultValue List<String> command,
    @DefaultValue("60s") Duration timeout,
    @DefaultValue("30s") Duration retry) {

  public FencingProperties {
    command = List.copyOf(command);
    switch (mode) {
      case "manual" -> {
        if (!command.isEmpty()) {
          throw new IllegalArgumentException(
              "veneer.fencing.command is set but veneer.fencing.mode is manual, so it would never"
                  + " run: set veneer.fencing.mode=command, or remove the command");
        }
      }
      case "command" -> {
        if (command.isEmpty()) {
          throw new IllegalArgumentException(
              "veneer.fencing.mode=command needs veneer.fencing.command: the program that powers a"
                  + " host off or isolates it, and its arguments ({host} is the host's id)");
        }
        if (!Path.of(command.getFirst()).isAbsolute()) {
          throw new IllegalArgumentException(
              "veneer.fencing.command must start with an absolute path to the program, not '"
                  + command.getFirst()
                  + "'");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "veneer.fencing.mode must be manual or command, not '" + mode + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("veneer.fencing.timeout must be positive");
    }
    if (retry.isNegative() || retry.isZero()) {
      throw new IllegalArgumentException("veneer.fencing.retry must be positive");
    }
  }

  /** Whether the control plane fences by itself. */
  public boolean automatic() {
    return mode.equals("command");
  }
}
