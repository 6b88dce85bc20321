package io.veneer.agent.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.AgentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policy's settings: documented defaults, and a clear refusal of what it cannot honour. */
class BalloonSettingsTest {

  @Test
  void isOnWithTheQemuDriverWhereTheKernelReportsPressureAndOffWithOthersByDefault(
      @TempDir Path proc) throws Exception {
    HostMemory withPsi = procWithPressure(proc);
    BalloonSettings qemu = settings(Map.of("VENEER_DRIVER", "qemu"), withPsi).balloon();
    assertThat(qemu).isEqualTo(new BalloonSettings(true, 50, 10, 1024, Duration.ofSeconds(5)));
    assertThat(settings(Map.of("VENEER_DRIVER", "simulated"), withPsi).balloon().enabled())
        .isFalse();
  }

  @Test
  void isOffByDefaultWhereTheKernelReportsNoPressureAndSaysSoOnce(@TempDir Path proc)
      throws Exception {
    HostMemory withoutPsi = procWithoutPressure(proc);
    List<LogRecord> said = new ArrayList<>();
    Handler handler = collectingInto(said);
    Logger log = Logger.getLogger(BalloonSwitch.class.getName());
    log.addHandler(handler);
    try {
      assertThat(settings(Map.of("VENEER_DRIVER", "qemu"), withoutPsi).balloon().enabled())
          .isFalse();
    } finally {
      log.removeHandler(handler);
    }
    assertThat(said)
        .singleElement()
        .extracting(LogRecord::getMessage)
        .asString()
        .contains("event=balloon-policy-off", "pressure/memory", "psi=1");
  }

  @Test
  void refusesOnWhereTheKernelReportsNoPressureNamingPsi(@TempDir Path proc) throws Exception {
    HostMemory withoutPsi = procWithoutPressure(proc);
    assertThatThrownBy(
            () -> settings(Map.of("VENEER_DRIVER", "qemu", "VENEER_BALLOON", "on"), withoutPsi))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VENEER_BALLOON=on needs /proc/pressure/memory")
        .hasMessageContaining("psi=1");
    assertThat(
            settings(Map.of("VENEER_DRIVER", "qemu", "VENEER_BALLOON", "off"), withoutPsi)
                .balloon()
                .enabled())
        .isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          VENEER_BALLOON                   | yes | VENEER_BALLOON must be on or off, not 'yes'
          VENEER_BALLOON_FLOOR_PERCENT     | 5   | VENEER_BALLOON_FLOOR_PERCENT must be 10-100
          VENEER_BALLOON_FLOOR_PERCENT     | 101 | VENEER_BALLOON_FLOOR_PERCENT must be 10-100
          VENEER_BALLOON_PRESSURE_PERCENT  | 0   | VENEER_BALLOON_PRESSURE_PERCENT must be 1-100
          VENEER_BALLOON_MIN_AVAILABLE_MIB | -1  | VENEER_BALLOON_MIN_AVAILABLE_MIB must be 0 or more
          VENEER_BALLOON_PERIOD_SECONDS    | 1   | VENEER_BALLOON_PERIOD_SECONDS must be 2-3600
          VENEER_BALLOON_PERIOD_SECONDS    | x   | VENEER_BALLOON_PERIOD_SECONDS must be a whole number
          """)
  void refusesWhatItCannotHonour(String name, String value, String message) {
    assertThatThrownBy(() -> settings(Map.of("VENEER_DRIVER", "qemu", name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesToRunWithADriverThatCannotReadBalloons() {
    assertThatThrownBy(() -> settings(Map.of("VENEER_DRIVER", "simulated", "VENEER_BALLOON", "on")))
        .hasMessageContaining("VENEER_BALLOON=on needs the qemu driver");
  }

  @Test
  void readsPressureAndAvailableMemoryFromProc(@TempDir Path proc) throws Exception {
    assertThat(procWithPressure(proc).read()).isEqualTo(new HostMemory.Reading(12.5, 2048));
  }

  /** A /proc of a kernel with PSI. */
  private static HostMemory procWithPressure(Path proc) throws Exception {
    procWithoutPressure(proc);
    Files.createDirectories(proc.resolve("pressure"));
    Files.writeString(
        proc.resolve("pressure/memory"),
        """
        some avg10=12.50 avg60=3.00 avg300=0.50 total=123456
        full avg10=1.00 avg60=0.00 avg300=0.00 total=1234
        """);
    return new ProcHostMemory(proc);
  }

  /** A /proc of a kernel built without PSI, or booted with psi=0: no pressure/memory. */
  private static HostMemory procWithoutPressure(Path proc) throws Exception {
    Files.writeString(
        proc.resolve("meminfo"),
        """
        MemTotal:       24683520 kB
        MemFree:        22781952 kB
        MemAvailable:    2097152 kB
        """);
    return new ProcHostMemory(proc);
  }

  private static Handler collectingInto(List<LogRecord> records) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static AgentSettings settings(Map<String, String> overrides) {
    return settings(overrides, () -> new HostMemory.Reading(0.0, 4096));
  }

  private static AgentSettings settings(Map<String, String> overrides, HostMemory host) {
    Map<String, String> env = new HashMap<>(Map.of("VENEER_MEMORY_MIB", "10240"));
    env.putAll(overrides);
    return AgentSettings.fromEnvironment(env, host);
  }
}
