package io.veneer.images.inspection;

import io.veneer.images.ImagesProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs qemu-img on untrusted files in a sandbox: a network namespace of its own with nothing in it
 * ({@code unshare --net}; refused where that is not possible), an environment holding only PATH and
 * LC_ALL (none of the service's secrets), prlimit's CPU seconds, address space, file size,
 * processes and open files, a wall-clock timeout, at most {@code qemu-img-slots} runs at once, the
 * format always given explicitly, and no backing files opened.
 */
public final class QemuImg {

  /** The whole environment of a qemu-img run. */
  static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL", "C");

  // qemu-img info and check write nothing; a little room for what a library may log.
  private static final long INSPECTION_MAX_FILE_BYTES = 1L << 20;
  // A converted image's metadata (qcow2 tables, VHD footer) on top of its virtual size.
  private static final long CONVERSION_OVERHEAD_BYTES = 1L << 30;

  private final ImagesProperties properties;
  private final Semaphore slots;
  private volatile boolean namespacesChecked;

  public QemuImg(ImagesProperties properties) {
    this.properties = properties;
    this.slots = new Semaphore(properties.qemuImgSlots(), true);
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
        properties.inspectionCpuSeconds(),
        INSPECTION_MAX_FILE_BYTES);
  }

  /** {@code qemu-img check}: 0 clean, 3 only leaked clusters, 2 corrupt, 1 unreadable, 63 n/a. */
  public Result check(Path file, DiskFormat format) throws IOException, QemuImgTimeoutException {
    return run(
        List.of("check", "-f", format.qemuName(), file.toString()),
        properties.inspectionTimeout(),
        properties.inspectionCpuSeconds(),
        INSPECTION_MAX_FILE_BYTES);
  }

  /**
   * Makes {@code backing} the backing file of a qcow2 {@code overlay} without touching their data
   * ({@code rebase -u}): for overlays of ours whose backing reference was cleared to travel.
   */
  public Result attachBacking(Path overlay, Path backing)
      throws IOException, QemuImgTimeoutException {
    return run(
        List.of(
            "rebase",
            "-u",
            "-f",
            "qcow2",
            "-b",
            backing.toString(),
            "-F",
            "qcow2",
            overlay.toString()),
        properties.inspectionTimeout(),
        properties.inspectionCpuSeconds(),
        INSPECTION_MAX_FILE_BYTES);
  }

  /** Converts to another format; the output file is replaced. */
  public Result convert(Path source, DiskFormat from, Path target, DiskFormat to)
      throws IOException, QemuImgTimeoutException {
    List<String> options =
        switch (to) {
          case QCOW2 -> List.of("-o", "compat=1.1");
          case VPC -> List.of("-o", "subformat=dynamic,force_size=on");
          default -> List.of();
        };
    return convert(source, from, target, to, options);
  }

  /** Converts to a stream-optimized VMDK, the compressed one-pass form OVAs carry. */
  public Result convertToStreamOptimizedVmdk(Path source, DiskFormat from, Path target)
      throws IOException, QemuImgTimeoutException {
    return convert(
        source, from, target, DiskFormat.VMDK, List.of("-o", "subformat=streamOptimized"));
  }

  private Result convert(
      Path source, DiskFormat from, Path target, DiskFormat to, List<String> options)
      throws IOException, QemuImgTimeoutException {
    List<String> args =
        new ArrayList<>(List.of("convert", "-f", from.qemuName(), "-O", to.qemuName()));
    args.addAll(options);
    args.add(source.toString());
    args.add(target.toString());
    // Converting a multi-GiB image legitimately takes CPU minutes: bound it by its wall clock.
    return run(
        args,
        properties.conversionTimeout(),
        properties.conversionTimeout().toSeconds(),
        properties.maxVirtualSize().toBytes() + CONVERSION_OVERHEAD_BYTES);
  }

  private Result run(List<String> args, Duration timeout, long cpuSeconds, long maxFileBytes)
      throws IOException, QemuImgTimeoutException {
    requireNetworkNamespaces();
    try {
      if (!slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new QemuImgTimeoutException(
            "qemu-img "
                + args.getFirst()
                + " waited longer than "
                + timeout
                + " for one of the "
                + properties.qemuImgSlots()
                + " qemu-img slots");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting to run qemu-img", e);
    }
    try {
      return runSandboxed(args, timeout, cpuSeconds, maxFileBytes);
    } finally {
      slots.release();
    }
  }

  private Result runSandboxed(
      List<String> args, Duration timeout, long cpuSeconds, long maxFileBytes)
      throws IOException, QemuImgTimeoutException {
    List<String> command = new ArrayList<>(List.of("unshare", "--net", "--", "prlimit"));
    command.add("--cpu=" + cpuSeconds);
    command.add("--as=" + properties.inspectionAddressSpace().toBytes());
    command.add("--fsize=" + maxFileBytes);
    command.add("--nproc=" + properties.qemuImgMaxProcesses());
    command.add("--nofile=" + properties.qemuImgMaxOpenFiles());
    command.add("--");
    command.add(properties.qemuImg());
    command.addAll(args);
    Path out = Files.createTempFile("qemu-img-", ".out");
    Path err = Files.createTempFile("qemu-img-", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().clear();
      builder.environment().putAll(ENVIRONMENT);
      Process process = builder.start();
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

  /**
   * qemu-img never runs with the service's network: where no network namespace can be made (not
   * root, no CAP_SYS_ADMIN, user namespaces off), every run is refused, saying why.
   */
  private void requireNetworkNamespaces() throws IOException {
    if (namespacesChecked) {
      return;
    }
    ProcessBuilder probe =
        new ProcessBuilder("unshare", "--net", "--", "true").redirectErrorStream(true);
    probe.environment().clear();
    probe.environment().putAll(ENVIRONMENT);
    Process process = probe.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(
            "qemu-img runs only without network, in a network namespace of its own, and"
                + " `unshare --net` cannot make one here ("
                + output.strip()
                + "): run the image service as root or with CAP_SYS_ADMIN");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while checking network namespaces", e);
    }
    namespacesChecked = true;
  }

  /** qemu-img did not finish within its time limit. */
  public static final class QemuImgTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    QemuImgTimeoutException(String message) {
      super(message);
    }
  }
}
