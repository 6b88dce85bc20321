package io.veneer.images.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the kernels and initrds versions carry for direct kernel boot ({@code
 * veneer.images.boot-files.*}).
 *
 * @param maxKernelSize larger kernels are refused (default 256MB: an uncompressed vmlinux is tens
 *     of MB)
 * @param maxInitrdSize larger initrds are refused (default 1GB)
 */
@ConfigurationProperties("veneer.images.boot-files")
public record BootFilesProperties(
    @DefaultValue("256MB") DataSize maxKernelSize, @DefaultValue("1GB") DataSize maxInitrdSize) {

  public BootFilesProperties {
    if (maxKernelSize.toBytes() <= 0 || maxInitrdSize.toBytes() <= 0) {
      throw new IllegalArgumentException(
          "veneer.images.boot-files.max-kernel-size and max-initrd-size must be positive");
    }
  }
}
