package io.veneer.agent.hypervisor.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Debian's OVMF (package {@code ovmf}), the UEFI firmware of q35 guests: its code, read-only and
 * shared, and the template of the variable store each desktop gets a copy of. Without it the driver
 * does not offer {@code firmware=uefi}, so such desktops are refused, never booted with SeaBIOS.
 *
 * @param code {@code OVMF_CODE*.fd}
 * @param varsTemplate the matching {@code OVMF_VARS*.fd}
 */
record Ovmf(Path code, Path varsTemplate) {

  /** The 4 MiB build first (Debian 12's default), then the 2 MiB one. */
  private static final List<String> SIZES = List.of("_4M", "");

  static Optional<Ovmf> find(Path directory) {
    for (String size : SIZES) {
      Ovmf ovmf =
          new Ovmf(
              directory.resolve("OVMF_CODE" + size + ".fd"),
              directory.resolve("OVMF_VARS" + size + ".fd"));
      if (Files.isReadable(ovmf.code()) && Files.isReadable(ovmf.varsTemplate())) {
        return Optional.of(ovmf);
      }
    }
    return Optional.empty();
  }

  static Optional<Ovmf> installed() {
    return find(Path.of("/usr/share/OVMF"));
  }
}
