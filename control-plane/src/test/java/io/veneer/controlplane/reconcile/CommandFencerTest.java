package io.veneer.controlplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.reconcile.Fencer.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment's fence command, as the control plane runs it: real processes. */
class CommandFencerTest {

  @TempDir Path dir;

  @Test
  void exitStatusZeroIsFencedAndTheHostIsNamedInItsArgument() throws IOException {
    Path fence = script("echo \"off: $1\"");

    Outcome outcome =
        new CommandFencer(List.of(fence.toString(), "--host={host}"), Duration.ofSeconds(10))
            .fence("host-7");

    assertThat(outcome)
        .isEqualTo(new Outcome.Fenced("fenced by " + fence + " (off: --host=host-7)"));
  }

  @Test
  void anyOtherStatusIsAFailureThatSaysWhatTheCommandSaid() throws IOException {
    Path fence = script("echo 'PDU: no outlet' >&2; exit 3");

    assertThat(new CommandFencer(List.of(fence.toString()), Duration.ofSeconds(10)).fence("h"))
        .isEqualTo(new Outcome.Failed("the fence command exited with 3: PDU: no outlet"));
  }

  @Test
  void aCommandThatHangsIsKilledAtItsTimeout() throws IOException {
    Path fence = script("exec sleep 60");

    assertThat(new CommandFencer(List.of(fence.toString()), Duration.ofMillis(300)).fence("h"))
        .isEqualTo(new Outcome.Failed("the fence command took longer than PT0.3S; killed"));
  }

  @Test
  void theCommandGetsNoneOfTheControlPlanesEnvironmentButItsPath() throws IOException {
    Path seen = dir.resolve("env");
    Path fence = script("env > " + seen);

    new CommandFencer(List.of(fence.toString()), Duration.ofSeconds(10)).fence("h");

    assertThat(Files.readAllLines(seen))
        .filteredOn(
            line ->
                !line.startsWith("PWD=") && !line.startsWith("SHLVL=") && !line.startsWith("_="))
        .singleElement()
        .asString()
        .startsWith("PATH=");
  }

  @Test
  void aCommandThatCannotBeRunIsAFailure() {
    assertThat(
            new CommandFencer(List.of(dir.resolve("missing").toString()), Duration.ofSeconds(10))
                .fence("h"))
        .isInstanceOf(Outcome.Failed.class)
        .asString()
        .contains("could not run");
  }

  private Path script(String body) throws IOException {
    Path script = dir.resolve("fence.sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
