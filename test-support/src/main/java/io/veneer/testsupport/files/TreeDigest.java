package io.veneer.testsupport.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * One SHA-256 over a whole tree: every path (relative), its mode, each link's target and each
 * file's content, links never followed. Two trees with the same digest are the same to a guest.
 */
public final class TreeDigest {

  private TreeDigest() {}

  public static String of(Path tree) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
    try (Stream<Path> entries = Files.walk(tree)) {
      for (Path entry : entries.sorted().toList()) {
        sha.update(tree.relativize(entry).toString().getBytes(StandardCharsets.UTF_8));
        sha.update(
            Files.getAttribute(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                .toString()
                .getBytes(StandardCharsets.UTF_8));
        if (Files.isSymbolicLink(entry)) {
          sha.update(Files.readSymbolicLink(entry).toString().getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          sha.update(Files.readAllBytes(entry));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the tree " + tree, e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
