package io.veneer.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The tiny graphical root filesystem of container desktops, built once per machine by
 * node-agent/tiny-golden/build-rootfs.sh from the installed Debian packages, and its digest.
 */
public record TinyRootfs(Path tar, String digest) {

  private static TinyRootfs built;

  public static synchronized TinyRootfs get() throws IOException {
    if (built == null) {
      Path dir = TinyGolden.build("build-rootfs.sh");
      Path tar = dir.resolve("rootfs.tar");
      built = new TinyRootfs(tar, sha256(tar));
    }
    return built;
  }

  /** {@code sha256:<hex>} of the file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }
}
