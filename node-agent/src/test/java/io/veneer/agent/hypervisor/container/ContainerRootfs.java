package io.veneer.agent.hypervisor.container;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.ImageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Container desktops as tests make and inspect them, by the driver's files under its data dir. */
public final class ContainerRootfs {

  private ContainerRootfs() {}

  /** A container desktop of the archive, with a display and, when asked, a 1 GiB user-data disk. */
  public static GuestSpec spec(String desktopId, Path tar, String digest, boolean userData) {
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 256),
        new ImageRef(digest, ImageRef.Kind.ROOTFS_TAR, tar),
        new BootSource.SharedRoot(),
        GuestSpec.Machine.Q35,
        GuestSpec.Firmware.BIOS,
        true,
        new GuestSpec.Devices(userData ? 1 : 0, GuestSpec.Network.OFF));
  }

  /** A root filesystem of busybox whose Xvfb prints an error and exits, as a broken image's. */
  public static Path withoutAnXServer(Path dir) throws IOException, InterruptedException {
    Path stage = dir.resolve("stage");
    Path bin = Files.createDirectories(stage.resolve("usr/bin"));
    Files.copy(Path.of("/usr/bin/busybox"), bin.resolve("busybox"));
    for (String applet : List.of("sh", "mkdir", "chmod", "sleep", "kill", "date", "echo")) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Files.writeString(
        bin.resolve("Xvfb"),
        "#!/bin/sh\necho '(EE) Fatal server error: no screens found'\nexit 1\n");
    Files.setPosixFilePermissions(
        bin.resolve("Xvfb"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(stage.resolve("bin"), Path.of("usr/bin"));
    for (String empty : List.of("tmp", "proc", "dev", "run", "home/user")) {
      Files.createDirectories(stage.resolve(empty));
    }
    Path tar = dir.resolve("broken.tar");
    run(
        "tar",
        "-C",
        stage.toString(),
        "-cf",
        tar.toString(),
        "usr",
        "bin",
        "tmp",
        "proc",
        "dev",
        "run",
        "home");
    return tar;
  }

  /** Whether the desktop's overlay holds writes of its own. */
  public static boolean upperHoldsWrites(Path host, String desktopId) throws IOException {
    try (Stream<Path> entries = Files.list(dir(host, desktopId).resolve("upper"))) {
      return entries.findAny().isPresent();
    }
  }

  /** Writes 64 KiB of the byte into a file on the stopped desktop's user-data disk. */
  public static void writeUserData(Path host, String desktopId, byte pattern) throws Exception {
    byte[] data = new byte[64 << 10];
    Arrays.fill(data, pattern);
    onUserData(host, desktopId, false, mounted -> Files.write(mounted.resolve("pattern"), data));
  }

  /** Whether the user-data disk holds the file {@link #writeUserData} writes, of that byte. */
  public static boolean userDataHolds(Path host, String desktopId, byte pattern) throws Exception {
    byte[] expected = new byte[64 << 10];
    Arrays.fill(expected, pattern);
    boolean[] holds = {false};
    onUserData(
        host,
        desktopId,
        true,
        mounted ->
            holds[0] =
                Files.exists(mounted.resolve("pattern"))
                    && Arrays.equals(Files.readAllBytes(mounted.resolve("pattern")), expected));
    return holds[0];
  }

  /** The desktop's launcher, by pid and start time, while it runs. */
  public static Set<String> runningGuests(Path host, String desktopId) throws IOException {
    Path dir = dir(host, desktopId);
    if (!Files.exists(dir.resolve("launcher.pid"))) {
      return Set.of();
    }
    long pid = Long.parseLong(Files.readString(dir.resolve("launcher.pid")).strip());
    Optional<ProcessHandle> launcher = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    return launcher
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> String.join(" ", a))
                    .orElse("")
                    .contains(dir.toString()))
        .map(p -> Set.of(p.pid() + "@" + p.info().startInstant().orElseThrow()))
        .orElse(Set.of());
  }

  /** The pid of the desktop's init (in the host's PID namespace), to enter its namespaces. */
  public static long init(Path host, String desktopId) {
    return ContainerHypervisor.childPid(dir(host, desktopId)).orElseThrow();
  }

  /** Runs a command inside the desktop, as its user, in all of its namespaces; its output. */
  public static Result inside(Path host, String desktopId, String... command)
      throws IOException, InterruptedException {
    List<String> full =
        new ArrayList<>(
            List.of(
                "nsenter",
                "-t",
                String.valueOf(init(host, desktopId)),
                "-a",
                "-S",
                "1000",
                "-G",
                "1000"));
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", full) + " did not end: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  /** What a command run inside printed, and its exit status. */
  public record Result(int exit, String output) {}

  static Path dir(Path host, String desktopId) {
    return host.resolve("containers").resolve(desktopId);
  }

  private interface MountedAction {
    void run(Path mounted) throws IOException;
  }

  private static void onUserData(
      Path host, String desktopId, boolean readOnly, MountedAction action) throws Exception {
    Path mountPoint = Files.createTempDirectory("userdata");
    run(
        "mount",
        "-o",
        readOnly ? "loop,ro" : "loop",
        dir(host, desktopId).resolve("userdata.ext4").toString(),
        mountPoint.toString());
    try {
      action.run(mountPoint);
    } finally {
      run("umount", mountPoint.toString());
      Files.delete(mountPoint);
    }
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
