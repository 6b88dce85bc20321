package io.veneer.agent.hypervisor.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a desktop's unix sockets are reached. A socket's path must fit in {@code sun_path}: Java
 * refuses 107 bytes and more, while QEMU still binds 107, so a desktop folder deep in a long data
 * directory would leave a guest that QEMU starts and the agent never reaches. Such a folder gets a
 * short alias instead: a symlink, named by a hash of the folder, in a folder of this user's under
 * the temporary directory (owner-writable only, traversable so passt, running as nobody, can follow
 * it).
 */
final class SocketPaths {

  /** The longest path Java connects to. */
  static final int MAX_BYTES = 106;

  /** The longest socket name a desktop folder holds. */
  private static final String LONGEST = "net/passt.sock";

  private final Path aliases;

  SocketPaths(Path aliases) {
    this.aliases = aliases;
  }

  static SocketPaths underTemporaryDirectory() {
    return new SocketPaths(
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "veneer-sockets-" + System.getProperty("user.name")));
  }

  /** The folder to name {@code dir}'s sockets by: {@code dir} itself when they fit. */
  Path of(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (bytes(absolute.resolve(LONGEST)) <= MAX_BYTES) {
      return absolute;
    }
    ensureOwnFolder();
    Path alias = aliases.resolve(hash(absolute));
    if (Files.isSymbolicLink(alias) && Files.readSymbolicLink(alias).equals(absolute)) {
      return alias;
    }
    Files.deleteIfExists(alias);
    Files.createSymbolicLink(alias, absolute);
    if (bytes(alias.resolve(LONGEST)) > MAX_BYTES) {
      throw new IOException(
          "Socket paths under "
              + aliases
              + " are longer than "
              + MAX_BYTES
              + " bytes: set java.io.tmpdir to a shorter folder");
    }
    return alias;
  }

  private void ensureOwnFolder() throws IOException {
    try {
      Files.createDirectories(aliases.getParent());
      Files.createDirectory(
          aliases,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    } catch (FileAlreadyExistsException e) {
      // Someone else's folder, or a symlink planted in a shared /tmp, must not receive our links.
      if (!Files.isDirectory(aliases, LinkOption.NOFOLLOW_LINKS)
          || !Files.getOwner(aliases, LinkOption.NOFOLLOW_LINKS)
              .getName()
              .equals(System.getProperty("user.name"))) {
        throw new IOException(aliases + " exists and is not a folder of this user's", e);
      }
    }
  }

  private static int bytes(Path path) {
    return path.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  private static String hash(Path dir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(dir.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java", e);
    }
  }
}
