package io.veneer.localstack.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A random token kept in a file only the user can read, generated on first use and the same on
 * every later run (so a token someone copied keeps working after a restart).
 */
public record SecretFile(Path file) {

  private static final SecureRandom RANDOM = new SecureRandom();

  public String readOrCreate() throws IOException {
    return readOrCreate(32);
  }

  /** With {@code randomBytes} of randomness: 9 make a 12-character password people can type. */
  public String readOrCreate(int randomBytes) throws IOException {
    if (Files.exists(file)) {
      String existing = Files.readString(file).strip();
      if (!existing.isEmpty()) {
        return existing;
      }
    }
    byte[] bytes = new byte[randomBytes];
    RANDOM.nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.createDirectories(file.getParent());
    Files.writeString(file, secret + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return secret;
  }
}
