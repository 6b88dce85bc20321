package io.veneer.rootfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Unpacks an untrusted root-filesystem archive (tar, plain or gzip-compressed) into a directory
 * under an {@link UnpackPolicy}. Nothing is ever written outside the target: names are checked
 * before anything is created, no link on disk is followed, and a refused archive leaves the target
 * as it was found.
 */
public final class RootfsUnpacker {

  private final UnpackPolicy policy;

  public RootfsUnpacker(UnpackPolicy policy) {
    if (policy == null) {
      throw new IllegalArgumentException("an unpacker needs a policy");
    }
    this.policy = policy;
  }

  /**
   * Unpacks {@code archive} (read to its end and closed) into {@code target}, which must be an
   * empty directory or not exist yet (its parent must). An archive that cannot be read, whatever
   * the cause, is refused.
   *
   * @throws IOException when the target cannot be written; nothing of the archive is left in it
   * @throws IllegalArgumentException when the target is not an empty directory
   */
  public UnpackResult unpack(InputStream archive, Path target) throws IOException {
    boolean targetIsNew = prepare(target);
    try {
      return new UnpackResult.Unpacked(new Unpacking(target, policy, targetIsNew).run(archive));
    } catch (RefusedException e) {
      removeAll(target, targetIsNew);
      return new UnpackResult.Refused(e.refusal());
    } catch (IOException | RuntimeException e) {
      removeAll(target, targetIsNew);
      throw e;
    }
  }

  /** Returns whether the target had to be made. */
  private static boolean prepare(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(target, Unpacking.OWNER_ONLY_DIRECTORY);
      return true;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(target + " is not a directory (or is a symbolic link)");
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(target)) {
      if (children.iterator().hasNext()) {
        throw new IllegalArgumentException(
            target + " is not empty; unpack into an empty directory");
      }
    }
    return false;
  }

  /** Deletes what the run made; links are deleted, never followed. */
  private static void removeAll(Path target, boolean targetIsNew) throws IOException {
    if (targetIsNew) {
      Trees.delete(target);
    } else {
      Trees.deleteContents(target);
    }
  }
}
