package io.veneer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code login} keeps for the next commands, in an owner-only file: where the services are,
 * where tokens come from, and the tokens.
 *
 * @param controlPlane the control plane's REST base URL
 * @param images the golden image service's REST base URL
 * @param grpc the public gRPC API, host:port
 * @param grpcCa the PEM CA file that verifies the gRPC API's certificate, or null for the JVM's
 *     trust store
 * @param tokenEndpoint the OIDC token endpoint, for refreshing
 * @param clientId the OIDC client the tokens were issued to
 * @param accessToken the current access token
 * @param refreshToken the refresh token, or null
 * @param expiresAt when the access token expires
 */
record Credentials(
    String controlPlane,
    String images,
    String grpc,
    String grpcCa,
    String tokenEndpoint,
    String clientId,
    String accessToken,
    String refreshToken,
    Instant expiresAt) {

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  /** {@code $VENEER_CONFIG_DIR/credentials.json}, by default under {@code ~/.config/veneer}. */
  static Path file(String configDir) {
    return Path.of(
            configDir == null || configDir.isBlank()
                ? System.getProperty("user.home") + "/.config/veneer"
                : configDir)
        .resolve("credentials.json");
  }

  /** The file login writes and every command reads. */
  record Store(Path file) {

    Optional<Credentials> read() {
      return Credentials.read(file);
    }

    void write(Credentials credentials) {
      credentials.write(file);
    }
  }

  private static Optional<Credentials> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Credentials.class));
    } catch (IOException e) {
      throw new CliFailure(
          ExitCode.NOT_LOGGED_IN,
          "Cannot read " + file + " (" + e.getMessage() + "): log in again");
    }
  }

  /** Written to a new owner-only file, then moved over the old one: never readable by others. */
  private void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path temp =
          Files.createTempFile(
              file.getParent(),
              "credentials",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      JSON.writeValue(temp.toFile(), this);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliFailure(ExitCode.FAILED, "Cannot save the login in " + file + ": " + e);
    }
  }

  Credentials withTokens(TokenResponse tokens) {
    return new Credentials(
        controlPlane,
        images,
        grpc,
        grpcCa,
        tokenEndpoint,
        clientId,
        tokens.accessToken(),
        tokens.refreshToken() != null ? tokens.refreshToken() : refreshToken,
        tokens.expiresAt());
  }
}
