package io.veneer.images.rootfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Root-filesystem tars made in memory, names kept as given (absolute and '..' ones too): a small
 * good one, and hostile ones entry by entry.
 */
final class TestArchives {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  private TestArchives() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  /** A tiny root filesystem: directories, a shell script, an absolute link as Debian has. */
  static byte[] good() {
    return new TestArchives()
        .directory("etc/")
        .file("etc/hostname", 0644, "desktop\n")
        .directory("usr/")
        .directory("usr/bin/")
        .file("usr/bin/hello", 0755, "#!/bin/sh\necho hello\n")
        .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
        .done();
  }

  static TestArchives with() {
    return new TestArchives();
  }

  TestArchives directory(String name) {
    return entry(new TarArchiveEntry(name, TarConstants.LF_DIR, true), new byte[0], 0755);
  }

  TestArchives file(String name, int mode, String content) {
    return file(name, mode, content.getBytes(StandardCharsets.UTF_8));
  }

  TestArchives file(String name, int mode, byte[] content) {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(content.length);
    return entry(entry, content, mode);
  }

  TestArchives symlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    entry.setLinkName(target);
    return entry(entry, new byte[0], 0777);
  }

  TestArchives blockDevice(String name, int major, int minor) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_BLK, true);
    entry.setDevMajor(major);
    entry.setDevMinor(minor);
    return entry(entry, new byte[0], 0660);
  }

  private TestArchives entry(TarArchiveEntry entry, byte[] content, int mode) {
    try {
      entry.setMode(mode);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] done() {
    try {
      tar.finish();
      tar.close();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
