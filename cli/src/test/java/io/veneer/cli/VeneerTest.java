package io.veneer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the CLI does before any service answers: usage, exit codes, completion, the token file. */
class VeneerTest {

  @TempDir Path config;

  /** A finished run: its exit code and what it printed. */
  record Run(int exit, String out, String err) {}

  static Run veneer(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Veneer.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryExitCodeWithWhatItMeans() {
    Run help = veneer("--help");

    assertThat(help.exit()).isZero();
    for (ExitCode code : ExitCode.values()) {
      assertThat(help.out())
          .contains(
              code.code()
                  + "   "
                  + code.meaning().substring(0, Math.min(20, code.meaning().length())));
    }
  }

  @Test
  void aWrongCommandLineIsUsage() {
    assertThat(veneer("pools", "list", "-o", "xml").exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(veneer("pools", "frobnicate").exit()).isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void plaintextGrpcAndACaToVerifyItWithContradictEachOther() {
    Run run =
        veneer(
            "--token",
            "t",
            "--grpc-plaintext",
            "--grpc-ca",
            "/etc/ssl/ca.pem",
            "desktops",
            "watch");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(run.err()).contains("plaintext contradicts the CA file");
  }

  @Test
  void withoutALoginItSaysToLogIn() {
    Run run = veneer("--config-dir", config.toString(), "pools", "list");

    assertThat(run.exit()).isEqualTo(ExitCode.NOT_LOGGED_IN.code());
    assertThat(run.err()).contains("Not logged in", "./veneer login");
  }

  @Test
  void aServiceThatDoesNotAnswerIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    Run run =
        veneer("--control-plane", "http://127.0.0.1:" + closed, "--token", "t", "hosts", "list");

    assertThat(run.exit()).isEqualTo(ExitCode.UNAVAILABLE.code());
    assertThat(run.err()).contains("Listing hosts: the service did not answer", "try again later");
  }

  @ParameterizedTest
  @CsvSource({
    "400, INVALID",
    "401, NOT_LOGGED_IN",
    "403, FORBIDDEN",
    "404, NOT_FOUND",
    "409, CONFLICT",
    "422, INVALID",
    "503, UNAVAILABLE",
    "500, FAILED"
  })
  void aProblemsStatusIsItsExitCodeAndItsDetailIsTheMessage(int status, ExitCode expected) {
    CliFailure failure =
        ApiCalls.failure(
            "Draining hv-1",
            status,
            "{\"status\":" + status + ",\"detail\":\"Because of this; do that\"}",
            null);

    assertThat(failure.exitCode()).isEqualTo(expected);
    assertThat(failure.getMessage())
        .startsWith("Draining hv-1: Because of this; do that (HTTP " + status + ")")
        .contains("What to do: " + expected.meaning());
  }

  @Test
  void thePasswordGrantIsOnlyForAnIssuerOnThisMachine() {
    Run run =
        veneer(
            "--config-dir",
            config.toString(),
            "login",
            "--issuer",
            "https://sso.example.org/realms/veneer",
            "--username",
            "alice");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(run.err()).contains("only for the local stack", "without --username");
  }

  @Test
  void completionIsAScriptForBashAndZsh() {
    Run completion = veneer("generate-completion");

    assertThat(completion.exit()).isZero();
    assertThat(completion.out())
        .contains("complete -F _complete_veneer", "autoload -U +X bashcompinit", "drain");
  }

  @Test
  void theTokenFileIsTheOwnersAlone() throws Exception {
    Credentials.Store store = new Credentials.Store(Credentials.file(config.toString()));

    store.write(
        new Credentials(
            "http://cp",
            "http://img",
            "g:1",
            null,
            "http://t",
            "veneer-cli",
            "a",
            "r",
            Instant.now()));

    assertThat(Files.getPosixFilePermissions(store.file()))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(store.read()).hasValueSatisfying(c -> assertThat(c.accessToken()).isEqualTo("a"));
  }
}
