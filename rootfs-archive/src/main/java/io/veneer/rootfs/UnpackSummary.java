package io.veneer.rootfs;

import java.util.List;

/**
 * What an archive put into the target.
 *
 * @param entries entries read, of every kind
 * @param bytes bytes of file contents written
 * @param skippedDevices allowed device nodes, as {@code path (c 1:3)}: never created, because
 *     making one needs privilege and the container driver mounts its own {@code /dev}
 */
public record UnpackSummary(
    int entries,
    int directories,
    int files,
    int symlinks,
    int hardLinks,
    long bytes,
    List<String> skippedDevices) {

  public UnpackSummary {
    skippedDevices = List.copyOf(skippedDevices);
  }
}
