package io.veneer.testsupport.cli;

import io.veneer.cli.Veneer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the {@code veneer} CLI in this JVM, as a test makes it: its exit code, its output
 * (what scripts parse) and its messages (progress, errors).
 */
public record CliRun(int exit, String out, String err) {

  /** Runs {@code veneer <options...> <command...>}. */
  public static CliRun of(List<String> options, String... command) {
    List<String> args = new ArrayList<>(options);
    args.addAll(List.of(command));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Veneer.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args.toArray(String[]::new));
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
