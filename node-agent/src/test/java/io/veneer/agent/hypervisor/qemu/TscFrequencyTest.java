package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TSC rate a microvm guest under TCG is told, from the host's /proc/cpuinfo. */
class TscFrequencyTest {

  @TempDir Path dir;

  @Test
  void isTheFirstCpusRateWhereTheTscIsConstant() throws Exception {
    assertThat(rateOf("constant_tsc nonstop_tsc", "2299.998")).hasValue(2_299_998);
  }

  @Test
  void isUnknownWhereTheTscIsNotConstant() throws Exception {
    assertThat(rateOf("fpu tsc msr", "2299.998")).isEmpty();
  }

  @Test
  void isUnknownWithoutACpuinfo() {
    assertThat(new TscFrequency(dir.resolve("missing")).khz()).isEmpty();
  }

  private OptionalLong rateOf(String flags, String mhz) throws Exception {
    Path cpuinfo =
        Files.writeString(
            dir.resolve("cpuinfo"),
            """
            processor	: 0
            model name	: Intel(R) Xeon(R) Processor
            cpu MHz		: %s
            flags		: fpu %s lm
            """
                .formatted(mhz, flags));
    return new TscFrequency(cpuinfo).khz();
  }
}
