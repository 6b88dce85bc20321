package io.veneer.localstack;

import io.veneer.localstack.auth.DevUser;
import io.veneer.localstack.auth.LocalIssuer;
import io.veneer.localstack.auth.SecretFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every credential of a local run. LOCAL DEVELOPMENT MODE: the user tokens are signed by a key on
 * this disk, and the golden image service's tokens are generated once and kept in {@code
 * .veneer/secrets}.
 *
 * @param issuer signs the user tokens; the control plane trusts its public key
 * @param userTokens a fresh token per user, also written to {@code .veneer/tokens/<user>.jwt}
 * @param imagesApiToken what callers of the images API present
 * @param imagesAgentToken what node agents present to fetch blobs
 */
record Credentials(
    LocalIssuer issuer,
    Map<DevUser, String> userTokens,
    String imagesApiToken,
    String imagesAgentToken) {

  static final Duration TOKEN_VALIDITY = Duration.ofDays(30);

  static Credentials prepare(StackLayout layout, Instant now) throws IOException {
    LocalIssuer issuer = LocalIssuer.loadOrCreate(layout.auth());
    Map<DevUser, String> tokens = new LinkedHashMap<>();
    for (DevUser user : DevUser.ALL) {
      String token = issuer.mint(user, now, TOKEN_VALIDITY);
      Path file = tokenFile(layout, user);
      Files.writeString(file, token + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      tokens.put(user, token);
    }
    return new Credentials(
        issuer,
        Map.copyOf(tokens),
        new SecretFile(layout.secrets().resolve("images-api-token")).readOrCreate(),
        new SecretFile(layout.secrets().resolve("images-agent-token")).readOrCreate());
  }

  static Path tokenFile(StackLayout layout, DevUser user) {
    return layout.tokens().resolve(user.name() + ".jwt");
  }

  String tokenOf(DevUser user) {
    return userTokens.get(user);
  }
}
