package io.veneer.images.inspection;

import io.veneer.images.ImagesProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs qemu-img on untrusted files under limits: CPU seconds and address space through prlimit, a
 * wall-clock timeout, the format always given explicitly, and no backing files opened.
 */
public final class QemuImg {

  private final ImagesProperties properties;

  public QemuImg(ImagesProperties properties) {
    this.properties = properties;
  }

  /** What a finished qemu-img run printed. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The first line of stderr without qemu-img's prefix, for a rejection reason. */
    public String problem() {
      String line = stderr.lines().findFirst().orElse("exit code " + exitCode).strip();
      return line.startsWith("qemu-img: ") ? line.substring(10) : line;
    }
  }

  /** {@code qemu-img info --output=json} of an untrusted file in the given format. */
  public Result info(Path file, DiskFormat format) throws IOException, QemuImgTimeoutException {
    return run(
        List.of("info", "--output=json", "-f", format.qemuName(), file.toString()),
        properties.inspectionTimeout(),
        properties.inspectionCpuSeconds());
  }

  /** {@code qemu-img check}: 0 clean, 3 only leaked clusters, 2 corrupt, 1 unreadable, 63 n/a. */
  public Result check(Path file, DiskFormat format) throws IOException, QemuImgTimeoutException {
    return run(
        List.of("check", "-f", format.qemuName(), file.toString()),
        properties.inspectionTimeout(),
        properties.inspectionCpuSeconds());
  }

  /** Converts to another format; the output file is replaced. */
  public Result convert(Path source, DiskFormat from, Path target, DiskFormat to)
      throws IOException, QemuImgTimeoutException {
    List<String> args =
        new ArrayList<>(List.of("convert", "-f", from.qemuName(), "-O", to.qemuName()));
    switch (to) {
      case QCOW2 -> args.addAll(List.of("-o", "compat=1.1"));
      case VPC -> args.addAll(List.of("-o", "subformat=dynamic,force_size=on"));
      default -> {}
    }
    args.add(source.toString());
    args.add(target.toString());
    // Converting a multi-GiB image legitimately takes CPU minutes: bound it by its wall clock.
    return run(args, properties.conversionTimeout(), properties.conversionTimeout().toSeconds());
  }

  private Result run(List<String> args, Duration timeout, long cpuSeconds)
      throws IOException, QemuImgTimeoutException {
    List<String> command = new ArrayList<>();
    command.add("prlimit");
    command.add("--cpu=" + cpuSeconds);
    command.add("--as=" + properties.inspectionAddressSpace().toBytes());
    command.add("--");
    command.add(properties.qemuImg());
    command.addAll(args);
    Path out = Files.createTempFile("qemu-img-", ".out");
    Path err = Files.createTempFile("qemu-img-", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new QemuImgTimeoutException(
            "qemu-img " + args.getFirst() + " took longer than " + timeout);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running qemu-img", e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** qemu-img did not finish within its time limit. */
  public static final class QemuImgTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    QemuImgTimeoutException(String message) {
      super(message);
    }
  }
}
