package io.veneer.testsupport.cli;

import io.veneer.cli.Veneer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
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
    return run(options, command);
  }

  /** The same, reading {@code input} as its standard input (a password for --password-stdin). */
  public static CliRun withInput(String input, List<String> options, String... command) {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return run(options, command);
    } finally {
      System.setIn(stdin);
    }
  }

  private static CliRun run(List<String> options, String... command) {
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
