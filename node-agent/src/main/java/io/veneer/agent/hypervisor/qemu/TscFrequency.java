package io.veneer.agent.hypervisor.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's TSC rate, which a microvm guest under TCG needs told. Under TCG the guest's {@code
 * rdtsc} reads the host's TSC, but a microvm has no HPET and no ACPI PM timer, and its emulated PIT
 * is too irregular to calibrate against: Linux then prints "tsc: Marking TSC unstable due to could
 * not calculate TSC khz" and never finishes booting. {@code tsc_early_khz=} on the kernel's command
 * line gives it the rate instead. Known only on hosts whose TSC runs at a constant rate ({@code
 * constant_tsc}), read from the first CPU's {@code cpu MHz}; elsewhere microvm stays KVM-only.
 */
record TscFrequency(Path cpuinfo) {

  private static final Pattern MHZ =
      Pattern.compile("^cpu MHz\\s*:\\s*([0-9.]+)", Pattern.MULTILINE);
  private static final Pattern FLAGS = Pattern.compile("^flags\\s*:(.*)$", Pattern.MULTILINE);

  static TscFrequency host() {
    return new TscFrequency(Path.of("/proc/cpuinfo"));
  }

  /** The TSC rate in kHz, or empty when the host does not say it or it is not constant. */
  OptionalLong khz() {
    try {
      String text = Files.readString(cpuinfo);
      Matcher flags = FLAGS.matcher(text);
      Matcher mhz = MHZ.matcher(text);
      if (!flags.find() || !(flags.group(1) + " ").contains(" constant_tsc ") || !mhz.find()) {
        return OptionalLong.empty();
      }
      long khz = Math.round(Double.parseDouble(mhz.group(1)) * 1000);
      return khz > 0 ? OptionalLong.of(khz) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
