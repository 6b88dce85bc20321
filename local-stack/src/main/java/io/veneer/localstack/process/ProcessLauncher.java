package io.veneer.localstack.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the stack's child processes and records them in {@link ProcessRecords}. Each child runs in
 * a session of its own ({@code setsid}): a Ctrl-C in the terminal then reaches only the launcher,
 * which stops the children in order, instead of every process receiving SIGINT at once.
 */
public final class ProcessLauncher {

  private final ProcessRecords records;

  public ProcessLauncher(ProcessRecords records) {
    this.records = records;
  }

  public ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    List<String> inSession = new ArrayList<>(List.of("setsid"));
    inSession.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(inSession)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    records.add(name, process.toHandle());
    return new ChildProcess(name, process, log, records);
  }
}
