package io.veneer.localstack.parts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectKernelShimTest {

  private static final String GOLDEN_HEX = "8031d7715095aab9d7a2bece7188bdf8";

  @TempDir Path dir;

  @Test
  void bootsAnOverlayOfTheTinyGoldenWithItsKernelAndInitrd() throws Exception {
    Path overlay = overlay("backing file /data/images/" + GOLDEN_HEX);

    String ran = run("-name", "veneer-d1", "-drive", "id=os,file=" + overlay + ",format=qcow2");

    assertThat(ran)
        .contains("-name veneer-d1")
        .contains("-kernel " + dir.resolve("golden/vmlinuz"))
        .contains("-initrd " + dir.resolve("golden/initrd.img"))
        .contains("-append console=ttyS0");
  }

  @Test
  void runsEveryOtherGuestUnchanged() throws Exception {
    Path overlay = overlay("backing file /data/images/someotherimage");

    String ran = run("-name", "veneer-d2", "-drive", "id=os,file=" + overlay + ",format=qcow2");

    assertThat(ran.strip())
        .isEqualTo("-name veneer-d2 -drive id=os,file=" + overlay + ",format=qcow2");
  }

  @Test
  void leavesAGuestThatAlreadyBootsAKernelAlone() throws Exception {
    Path overlay = overlay("backing file /data/images/" + GOLDEN_HEX);

    String ran = run("-drive", "id=os,file=" + overlay, "-kernel", "/boot/other");

    assertThat(ran).doesNotContain("vmlinuz");
  }

  private Path overlay(String header) throws IOException {
    return Files.writeString(dir.resolve("os.qcow2"), "QFI\u00fb" + header);
  }

  /** Runs the shim in front of a fake QEMU that prints its arguments. */
  private String run(String... arguments) throws Exception {
    Path fakeQemu = dir.resolve("fake-qemu");
    Files.writeString(fakeQemu, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(fakeQemu, PosixFilePermissions.fromString("rwx------"));
    Path shim =
        DirectKernelShim.write(
            dir.resolve("shim"),
            fakeQemu.toString(),
            new TinyGolden(dir.resolve("golden")),
            GOLDEN_HEX);
    ProcessBuilder builder = new ProcessBuilder(shim.toString());
    builder.command().addAll(java.util.List.of(arguments));
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();
    return output;
  }
}
