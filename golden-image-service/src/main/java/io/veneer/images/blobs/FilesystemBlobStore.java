package io.veneer.images.blobs;

import io.veneer.rootfs.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Blobs as read-only files {@code <root>/blobs/sha256/<hex>}, temp files under {@code <root>/tmp}.
 */
public final class FilesystemBlobStore implements BlobStore {

  private final Path blobs;
  private final Path temp;

  public FilesystemBlobStore(Path root) {
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.temp = root.resolve("tmp");
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the blob store under " + root, e);
    }
  }

  @Override
  public Path newTempFile(String purpose) throws IOException {
    return Files.createTempFile(temp, purpose + "-", ".part");
  }

  @Override
  public Path tempFile(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,200}")) {
      throw new IllegalArgumentException("'" + name + "' is not a temp file name");
    }
    return temp.resolve(name);
  }

  @Override
  public Digest put(Path tempFile, Digest digest) throws IOException {
    Path target = blobs.resolve(digest.hex());
    if (Files.exists(target)) {
      Files.delete(tempFile);
      return digest;
    }
    Files.setPosixFilePermissions(tempFile, PosixFilePermissions.fromString("r--r--r--"));
    try {
      Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tempFile);
      if (!Files.exists(target)) {
        throw e;
      }
    }
    return digest;
  }

  @Override
  public Optional<Path> find(Digest digest) {
    Path path = blobs.resolve(digest.hex());
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  @Override
  public Set<Digest> all() throws IOException {
    Set<Digest> digests = new HashSet<>();
    try (Stream<Path> files = Files.list(blobs)) {
      files.forEach(
          file -> {
            try {
              digests.add(new Digest(file.getFileName().toString()));
            } catch (IllegalArgumentException e) {
              // Not a blob (e.g. an operator's stray file): never collected, never served.
            }
          });
    }
    return digests;
  }

  @Override
  public void delete(Digest digest) throws IOException {
    Files.deleteIfExists(blobs.resolve(digest.hex()));
  }

  @Override
  public int clearTemp() throws IOException {
    int removed = 0;
    try (Stream<Path> files = Files.list(temp)) {
      for (Path file : files.toList()) {
        // A directory is what a root-filesystem check left when the service stopped midway.
        Trees.delete(file);
        removed++;
      }
    }
    return removed;
  }
}
