package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Debian's ovmf is, or that it is not: then UEFI is not offered. */
class OvmfTest {

  @TempDir Path dir;

  @Test
  void prefersThe4MibBuildAndPairsItsCodeWithItsVariables() throws Exception {
    for (String file :
        new String[] {"OVMF_CODE.fd", "OVMF_VARS.fd", "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"}) {
      Files.writeString(dir.resolve(file), file);
    }

    assertThat(Ovmf.find(dir))
        .contains(new Ovmf(dir.resolve("OVMF_CODE_4M.fd"), dir.resolve("OVMF_VARS_4M.fd")));
  }

  @Test
  void takesThe2MibBuildWhereItIsTheOnlyOne() throws Exception {
    Files.writeString(dir.resolve("OVMF_CODE.fd"), "code");
    Files.writeString(dir.resolve("OVMF_VARS.fd"), "vars");
    Files.writeString(dir.resolve("OVMF_CODE_4M.fd"), "code without its variables");

    assertThat(Ovmf.find(dir))
        .contains(new Ovmf(dir.resolve("OVMF_CODE.fd"), dir.resolve("OVMF_VARS.fd")));
  }

  @Test
  void isMissingWhereOvmfIsNotInstalled() {
    assertThat(Ovmf.find(dir.resolve("OVMF"))).isEmpty();
  }
}
