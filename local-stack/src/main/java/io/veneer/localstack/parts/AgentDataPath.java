package io.veneer.localstack.parts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The data directory to give a node agent. QEMU's QMP socket lives at {@code
 * <data>/desktops/<uuid>/qmp.sock} and a UNIX socket path must be shorter than 108 bytes, so a
 * state directory deep in the file system (a repository cloned far down, a build's target
 * directory) is reached through a short symbolic link under {@code /tmp} instead.
 */
public final class AgentDataPath {

  /** {@code /desktops/} + a UUID + {@code /qmp.sock}. */
  private static final int SOCKET_SUFFIX = "/desktops/".length() + 36 + "/qmp.sock".length();

  private static final int SOCKET_PATH_MAX = 107;

  private AgentDataPath() {}

  /** {@code data} itself when short enough, else a link to it in {@code /tmp}. */
  public static Path forAgent(Path data, Path stateRoot, String hostId) throws IOException {
    Files.createDirectories(data);
    if (data.toString().length() + SOCKET_SUFFIX <= SOCKET_PATH_MAX) {
      return data;
    }
    Path link = linkDirectory(stateRoot).resolve(hostId);
    Files.createDirectories(link.getParent());
    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(data)) {
      return link;
    }
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, data);
    return link;
  }

  /** Where the links of one state directory live: one per state directory, named by its hash. */
  public static Path linkDirectory(Path stateRoot) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(stateRoot.toString().getBytes(StandardCharsets.UTF_8));
      return Path.of("/tmp", "veneer-" + HexFormat.of().formatHex(hash, 0, 4));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }
}
