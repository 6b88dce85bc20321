package io.veneer.images.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams a temp file and removes it once the response is written. */
final class DeleteOnCloseInputStream extends FilterInputStream {

  private final Path file;

  DeleteOnCloseInputStream(Path file) throws IOException {
    super(Files.newInputStream(file));
    this.file = file;
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
