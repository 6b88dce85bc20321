package io.veneer.agent.portability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.qemu.QcowDisks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A desktop's writes leave one host's data folder and arrive in another's, with real qemu-img. */
class DesktopWritesTest {

  @TempDir Path dir;
  private Path golden;
  private QcowDisks source;
  private QcowDisks target;

  @BeforeEach
  void twoHostsWithTheSameGoldenImage() throws Exception {
    Path raw = dir.resolve("golden.raw");
    run("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "16M");
    run("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 16M", raw.toString());
    golden = dir.resolve("golden.qcow2");
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), golden.toString());
    source = new QcowDisks(dir.resolve("host-a"), "qemu-img");
    target = new QcowDisks(dir.resolve("host-b"), "qemu-img");
  }

  @Test
  void aDesktopsWritesArriveOnAnotherHostWithTheSameDiskContents() throws Exception {
    Path overlay = overlayWithAWrite(source, "desk-1");
    Path writes = dir.resolve("writes.qcow2");

    new DesktopWrites(source, "qemu-img").copyOut("desk-1", writes);
    new DesktopWrites(target, "qemu-img").copyIn("desk-1", writes, golden);

    assertThat(run("qemu-img", "info", writes.toString())).doesNotContain("backing file");
    assertThat(Files.size(writes)).isLessThan(Files.size(golden));
    // Read in full: the desktop's disk on the target is its disk on the source.
    run("qemu-img", "compare", overlay.toString(), target.osDisk("desk-1").toString());
    assertThat(run("qemu-img", "info", target.osDisk("desk-1").toString()))
        .contains("backing file: " + golden.toAbsolutePath());
    assertThat(Files.exists(overlay)).as("the source keeps its overlay until told").isTrue();
  }

  @Test
  void neverReplacesAnOverlayTheTargetAlreadyHas() throws Exception {
    overlayWithAWrite(source, "desk-2");
    Path existing = overlayWithAWrite(target, "desk-2");
    byte[] before = Files.readAllBytes(existing);
    Path writes = dir.resolve("writes.qcow2");
    new DesktopWrites(source, "qemu-img").copyOut("desk-2", writes);

    assertThatThrownBy(() -> new DesktopWrites(target, "qemu-img").copyIn("desk-2", writes, golden))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining("already has an OS overlay");
    assertThat(Files.readAllBytes(existing)).isEqualTo(before);
  }

  @Test
  void refusesADesktopWithoutAnOverlayHere() {
    assertThatThrownBy(
            () -> new DesktopWrites(source, "qemu-img").copyOut("desk-3", dir.resolve("w")))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining("no OS overlay");
  }

  private Path overlayWithAWrite(QcowDisks host, String desktopId) throws Exception {
    Path overlay = host.osDisk(desktopId);
    Files.createDirectories(overlay.getParent());
    run(
        "qemu-img",
        "create",
        "-q",
        "-f",
        "qcow2",
        "-b",
        golden.toString(),
        "-F",
        "qcow2",
        overlay.toString());
    run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 4M 64k", overlay.toString());
    return overlay;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out;
    try (InputStream stdout = process.getInputStream()) {
      out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
