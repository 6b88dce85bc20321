package io.veneer.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Tiny disk images made with the real qemu-img. */
public final class TestImages {

  private TestImages() {}

  /** An 8 MiB raw disk with an MBR signature and a recognisable pattern at 1 MiB. */
  public static Path raw(Path dir) throws IOException {
    byte[] disk = new byte[8 << 20];
    disk[510] = 0x55;
    disk[511] = (byte) 0xaa;
    byte[] pattern = "VENEER TEST DISK ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(pattern, 0, disk, 1 << 20, pattern.length);
    return Files.write(dir.resolve("disk.img"), disk);
  }

  /** The raw disk converted to a qemu-img output format (vpc, vmdk, vdi, vhdx, qcow2). */
  public static Path converted(Path raw, String format) throws IOException {
    Path target = raw.resolveSibling("disk-" + format + "." + format);
    if (format.equals("vpc")) {
      // As Hyper-V writes them: the exact size, not one rounded to a CHS geometry.
      qemuImg(
          "convert",
          "-f",
          "raw",
          "-O",
          format,
          "-o",
          "force_size=on",
          raw.toString(),
          target.toString());
    } else {
      qemuImg("convert", "-f", "raw", "-O", format, raw.toString(), target.toString());
    }
    return target;
  }

  public static void qemuImg(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("qemu-img"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(
            "qemu-img "
                + String.join(" ", args)
                + " failed: "
                + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** What qemu-img reads a file as. */
  public static String formatOf(Path file) throws IOException {
    Process process =
        new ProcessBuilder("qemu-img", "info", "--output=json", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return ServiceUnderTest.json(out).path("format").asString();
  }
}
