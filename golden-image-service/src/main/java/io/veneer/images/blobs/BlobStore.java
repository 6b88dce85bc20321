package io.veneer.images.blobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Content-addressed, write-once storage of image blobs. A blob is named by its sha256 and never
 * rewritten; an S3-compatible store can implement the same interface.
 */
public interface BlobStore {

  /** A fresh temp file for an upload or a conversion, on the same file system as the blobs. */
  Path newTempFile(String purpose) throws IOException;

  /**
   * The temp file of an upload that arrives in pieces, by a stable name (letters, digits, dots and
   * dashes); not created here. Removed with every other temp file by {@link #clearTemp()}.
   */
  Path tempFile(String name);

  /**
   * Moves a finished temp file into the store under its digest (atomically), or drops it when the
   * store already holds those bytes.
   */
  Digest put(Path tempFile, Digest digest) throws IOException;

  Optional<Path> find(Digest digest);

  Set<Digest> all() throws IOException;

  void delete(Digest digest) throws IOException;

  /** Removes every temp file: what an interrupted upload or conversion left behind. */
  int clearTemp() throws IOException;
}
