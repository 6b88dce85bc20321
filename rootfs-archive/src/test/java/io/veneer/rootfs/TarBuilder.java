package io.veneer.rootfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes test archives entry by entry, hostile names and all (absolute paths are kept as given).
 */
final class TarBuilder {

  static final Instant MODIFIED = Instant.parse("2026-01-02T03:04:05Z");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  TarBuilder() {
    this(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  /** With GNU long names ({@code ././@LongLink} entries) instead of PAX records, say. */
  TarBuilder(int longFileMode) {
    tar.setLongFileMode(longFileMode);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  TarBuilder directory(String name, int mode) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
    entry.setMode(mode);
    return add(entry, new byte[0]);
  }

  TarBuilder file(String name, String content) {
    return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
  }

  TarBuilder file(String name, int mode, byte[] content) {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(mode);
    entry.setSize(content.length);
    return add(entry, content);
  }

  TarBuilder symlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    entry.setLinkName(target);
    return add(entry, new byte[0]);
  }

  TarBuilder hardLink(String name, String existing) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    entry.setLinkName(existing);
    return add(entry, new byte[0]);
  }

  TarBuilder device(String name, byte flag, int major, int minor) {
    TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
    entry.setDevMajor(major);
    entry.setDevMinor(minor);
    return add(entry, new byte[0]);
  }

  /** An entry of a type that has no data, carrying some anyway. */
  TarBuilder withData(String name, byte flag, byte[] data) {
    TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
    entry.setSize(data.length);
    return add(entry, data);
  }

  TarBuilder fifo(String name) {
    return add(new TarArchiveEntry(name, TarConstants.LF_FIFO, true), new byte[0]);
  }

  byte[] tar() {
    try {
      tar.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] gzip() {
    byte[] plain = tar();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return compressed.toByteArray();
  }

  private TarBuilder add(TarArchiveEntry entry, byte[] content) {
    entry.setLastModifiedTime(FileTime.from(MODIFIED));
    try {
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
