package io.veneer.testsupport.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A kind of test that needs programs from the host's packages, named as {@code ./veneer test
 * --without} and {@code -Dveneer.test.without} name it. The package lists are the Debian names that
 * {@code local-stack/prerequisites.sh} installs; this class only looks.
 */
public enum HostTool {
  BROWSER(
      "browser",
      "headless Chromium driven through chromedriver",
      List.of("/usr/bin/chromium", "/usr/bin/chromedriver"),
      "chromium chromium-driver"),
  QEMU(
      "qemu",
      "real QEMU guests under TCG and the tiny golden image they boot",
      List.of(
          "qemu-system-x86_64",
          "qemu-img",
          "mke2fs",
          "cpio",
          "sfdisk",
          "mkfs.vfat",
          "mcopy",
          "syslinux",
          "/usr/lib/syslinux/mbr/mbr.bin",
          "passt",
          "ip"),
      "qemu-system-x86 qemu-utils e2fsprogs cpio fdisk dosfstools mtools syslinux syslinux-common"
          + " passt iproute2"),
  LIBVIRT(
      "libvirt",
      "real libvirt domains (libvirtd and virtlogd, set up and started by ./veneer test)",
      List.of(
          "libvirtd",
          "virtlogd",
          "virsh",
          "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so",
          "/usr/lib/x86_64-linux-gnu/libvirt.so.0"),
      "libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt0"),
  CONTAINER(
      "container",
      "container desktops (bubblewrap over an overlay, an X session served over RFB) and the tiny"
          + " graphical root filesystem they run",
      List.of(
          "bwrap",
          "unshare",
          "setsid",
          "nsenter",
          "mke2fs",
          "Xvfb",
          "x11vnc",
          "twm",
          "xterm",
          "xkbcomp",
          "/usr/share/X11/xkb/rules/base",
          "busybox"),
      "bubblewrap util-linux e2fsprogs xvfb x11vnc twm xterm x11-xkb-utils xkb-data"
          + " busybox-static");

  /** The system property (also a JUnit configuration parameter) listing the kinds left out. */
  public static final String WITHOUT = "veneer.test.without";

  private final String kind;
  private final String what;
  private final List<String> programs;
  private final String packages;

  HostTool(String kind, String what, List<String> programs, String packages) {
    this.kind = kind;
    this.what = what;
    this.programs = programs;
    this.packages = packages;
  }

  public String kind() {
    return kind;
  }

  /** The first program or file this kind needs that the host lacks. */
  public Optional<String> missing(Map<String, String> env) {
    return programs.stream().filter(program -> !found(program, env)).findFirst();
  }

  /** Why a test of this kind cannot run here, and the two ways out. */
  public String cannotRun(String testClass, String missing) {
    return testClass
        + " needs "
        + what
        + ", and "
        + missing
        + " is not found. Install it with ./veneer test (as root on Debian: it installs what is"
        + " missing), or apt-get install "
        + packages
        + "; or leave these tests out: ./veneer test --without "
        + kind
        + " (-D"
        + WITHOUT
        + "="
        + kind
        + ")";
  }

  /** What the build's summary counts: a skipped test whose reason starts with this. */
  public String leftOut() {
    return "left out: " + WITHOUT + "=" + kind + " (./veneer test --without " + kind + ")";
  }

  /** The kinds a comma-separated {@code veneer.test.without} value names; unknown ones refused. */
  public static List<HostTool> parse(String without) {
    return Arrays.stream(without.split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .map(HostTool::named)
        .toList();
  }

  private static HostTool named(String name) {
    return Arrays.stream(values())
        .filter(tool -> tool.kind.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    WITHOUT
                        + " names an unknown kind of test: '"
                        + name
                        + "' (known: "
                        + String.join(", ", Arrays.stream(values()).map(HostTool::kind).toList())
                        + ")"));
  }

  private static boolean found(String program, Map<String, String> env) {
    if (program.startsWith("/")) {
      return Files.exists(Path.of(program));
    }
    // Administration tools (mke2fs, sfdisk) live in sbin, which a non-root PATH may lack.
    Stream<String> path =
        Stream.concat(
            Arrays.stream(env.getOrDefault("PATH", "").split(File.pathSeparator)),
            Stream.of("/usr/sbin", "/sbin"));
    return path.filter(dir -> !dir.isEmpty())
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }
}
