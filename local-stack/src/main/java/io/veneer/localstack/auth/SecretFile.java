package io.veneer.localstack.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * A secret kept in a file only the user can read, from the moment the file exists (created with its
 * permissions, never written and then restricted): a random token generated on first use and the
 * same on every later run (so a token someone copied keeps working after a restart), or one a
 * service issued that a later run reuses.
 */
public record SecretFile(Path file) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  public String readOrCreate() throws IOException {
    return readOrCreate(32);
  }

  /** With {@code randomBytes} of randomness: 9 make a 12-character password people can type. */
  public String readOrCreate(int randomBytes) throws IOException {
    Optional<String> existing = read();
    if (existing.isPresent()) {
      return existing.get();
    }
    byte[] bytes = new byte[randomBytes];
    RANDOM.nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    write(secret);
    return secret;
  }

  /** The secret, if the file holds one. */
  public Optional<String> read() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String secret = Files.readString(file).strip();
    return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
  }

  /** Replaces the secret: readers see the old one or the new one, never a part. */
  public void write(String secret) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, OWNER_ONLY_DIRECTORY);
    }
    Path scratch = Files.createTempFile(directory, file.getFileName() + ".", ".new", OWNER_ONLY);
    try {
      Files.writeString(scratch, secret + "\n");
      Files.move(
          scratch, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
