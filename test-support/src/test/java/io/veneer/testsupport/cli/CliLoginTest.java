package io.veneer.testsupport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veneer login} against a real Keycloak: tokens kept owner-only, refreshed once expired. */
class CliLoginTest {

  private static final VeneerRealm REALM = TestKeycloak.freshRealm(CliLoginTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path config;

  @Test
  void thePasswordGrantKeepsTheTokensForTheOwnerAloneAndTheyAreRefreshedOnceExpired()
      throws Exception {
    REALM.createUser("carol", "carol-secret-1", Set.of("admin"), Set.of());

    CliRun login = login("carol", "carol-secret-1");

    assertThat(login.exit()).as(login.err()).isZero();
    Path file = config.resolve("credentials.json");
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    ObjectNode saved = (ObjectNode) JSON.readTree(file.toFile());
    String first = saved.get("accessToken").asText();
    assertThat(first).isNotBlank();
    assertThat(saved.get("refreshToken").asText()).isNotBlank();

    Files.writeString(file, JSON.writeValueAsString(saved.put("expiresAt", 0)));
    CliRun later =
        CliRun.of(options("--control-plane", "http://127.0.0.1:" + closedPort()), "hosts", "list");

    assertThat(later.exit()).as("the call itself finds no control plane").isEqualTo(8);
    assertThat(JSON.readTree(file.toFile()).get("accessToken").asText())
        .as("refreshed before the call")
        .isNotBlank()
        .isNotEqualTo(first);
  }

  @Test
  void aWrongPasswordIsNotLoggedInWithTheIssuersWords() {
    REALM.createUser("dave", "dave-secret-1", Set.of("user"), Set.of());

    CliRun login = login("dave", "not-daves-password");

    assertThat(login.exit()).isEqualTo(3);
    assertThat(login.err()).contains("The issuer refused: Invalid user credentials");
    assertThat(config.resolve("credentials.json")).doesNotExist();
  }

  private CliRun login(String user, String password) {
    return CliRun.withInput(
        password + "\n",
        options(),
        "login",
        "--issuer",
        REALM.issuerUri().toString(),
        "--client-id",
        VeneerRealm.TESTS.clientId(),
        "--username",
        user,
        "--password-stdin");
  }

  private List<String> options(String... more) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of("--config-dir", config.toString()),
            java.util.stream.Stream.of(more))
        .toList();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
