package io.veneer.rootfs;

/**
 * How much an archive may make us read and write, so a tar (or gzip) bomb stops early.
 *
 * @param maxArchiveBytes bytes of the uncompressed tar stream, headers included
 * @param maxTotalBytes bytes of file contents written, all entries together
 * @param maxEntryBytes bytes of one file's contents
 * @param maxEntries entries of every kind
 */
public record UnpackLimits(
    long maxArchiveBytes, long maxTotalBytes, long maxEntryBytes, int maxEntries) {

  /** Room for a desktop root filesystem with a browser and an office suite, not for a bomb. */
  public static final UnpackLimits DEFAULTS =
      new UnpackLimits(5L << 30, 4L << 30, 1L << 30, 250_000);

  public UnpackLimits {
    if (maxArchiveBytes <= 0 || maxTotalBytes <= 0 || maxEntryBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("every unpack limit must be positive");
    }
    if (maxEntryBytes > maxTotalBytes || maxTotalBytes > maxArchiveBytes) {
      throw new IllegalArgumentException(
          "unpack limits must nest: max entry bytes ("
              + maxEntryBytes
              + ") <= max total bytes ("
              + maxTotalBytes
              + ") <= max archive bytes ("
              + maxArchiveBytes
              + ")");
    }
  }
}
