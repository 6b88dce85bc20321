package io.veneer.rootfs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing files and directory trees, unpacked from untrusted archives or not: links are deleted,
 * never followed (an unpacked tree has absolute ones), and directories an archive left read-only
 * even to their owner are opened first.
 */
public final class Trees {

  private Trees() {}

  /** Deletes {@code tree}, a file or a directory with everything in it; nothing if it is gone. */
  public static void delete(Path tree) throws IOException {
    remove(tree, true);
  }

  /** Deletes everything in the directory {@code dir}, keeping the directory. */
  public static void deleteContents(Path dir) throws IOException {
    remove(dir, false);
  }

  private static void remove(Path tree, boolean withRoot) throws IOException {
    if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            dir.toFile().setWritable(true, true);
            dir.toFile().setExecutable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            if (withRoot || !dir.equals(tree)) {
              Files.delete(dir);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
