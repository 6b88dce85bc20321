package io.veneer.images.rootfs;

import io.veneer.rootfs.UnpackLimits;
import io.veneer.rootfs.UnpackPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the root-filesystem archives versions of kind {@code rootfs} carry ({@code
 * veneer.images.rootfs.*}). Agents unpack them with the strict policy whatever is set here, so a
 * looser setting here would only let through what every host then refuses: these may only tighten.
 *
 * @param maxUnpackedSize file contents of the whole archive, unpacked (default 4GB)
 * @param maxEntries entries of every kind (default 250000)
 */
@ConfigurationProperties("veneer.images.rootfs")
public record RootfsProperties(
    @DefaultValue("4GB") DataSize maxUnpackedSize, @DefaultValue("250000") int maxEntries) {

  public RootfsProperties {
    UnpackLimits strict = UnpackLimits.DEFAULTS;
    if (maxUnpackedSize.toBytes() <= 0 || maxUnpackedSize.toBytes() > strict.maxTotalBytes()) {
      throw new IllegalArgumentException(
          "veneer.images.rootfs.max-unpacked-size must be positive and at most "
              + strict.maxTotalBytes()
              + " bytes (what agents unpack)");
    }
    if (maxEntries <= 0 || maxEntries > strict.maxEntries()) {
      throw new IllegalArgumentException(
          "veneer.images.rootfs.max-entries must be positive and at most "
              + strict.maxEntries()
              + " (what agents unpack)");
    }
  }

  /** The agents' strict policy with these limits. */
  UnpackPolicy policy() {
    UnpackLimits strict = UnpackLimits.DEFAULTS;
    long total = maxUnpackedSize.toBytes();
    return UnpackPolicy.STRICT.withLimits(
        new UnpackLimits(
            strict.maxArchiveBytes(), total, Math.min(strict.maxEntryBytes(), total), maxEntries));
  }
}
