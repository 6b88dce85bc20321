package io.veneer.testsupport.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@code @NeedsHost}: a kind of test runs, fails with the reason, or is left out when asked. */
class NeedsHostTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "browser        | BROWSER",
        "qemu           | QEMU",
        "' browser, qemu' | BROWSER QEMU",
        "''             | ''",
      })
  void readsTheKindsLeftOut(String without, String tools) {
    List<HostTool> expected =
        tools.isEmpty()
            ? List.of()
            : Arrays.stream(tools.split(" ")).map(HostTool::valueOf).toList();
    assertThat(HostTool.parse(without)).isEqualTo(expected);
  }

  @Test
  void refusesAnUnknownKindNamingTheKnownOnes() {
    assertThatThrownBy(() -> HostTool.parse("browser,gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'gpu'")
        .hasMessageContaining("known: browser, qemu");
  }

  @Test
  void aProgramMissingFromThePathIsNamed() {
    assertThat(HostTool.QEMU.missing(Map.of("PATH", ""))).contains("qemu-system-x86_64");
  }

  @Test
  void theReasonSaysHowToInstallAndHowToLeaveTheTestsOut() {
    assertThat(HostTool.QEMU.cannotRun("GuestsTest", "qemu-system-x86_64"))
        .contains("GuestsTest needs real QEMU guests")
        .contains("qemu-system-x86_64 is not found")
        .contains("apt-get install qemu-system-x86 qemu-utils")
        .contains("./veneer test --without qemu")
        .contains("-Dveneer.test.without=qemu");
  }

  @Test
  void aKindLeftOutIsSkippedWithItsReasonAndItsLifecycleNeverRuns() {
    Events classes = run("qemu,browser").containerEvents();

    classes.assertThatEvents().haveExactly(1, event(skippedWithReason(HostTool.QEMU.leftOut())));
    assertThat(NeedsQemu.started).isFalse();
  }

  @Test
  void anUnknownKindFailsTheClassWithTheReason() {
    run("gpu")
        .containerEvents()
        .assertThatEvents()
        .haveExactly(1, event(finishedWithFailure(message(m -> m.contains("'gpu'")))));
  }

  private static EngineExecutionResults run(String without) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(HostTool.WITHOUT, without)
        .selectors(selectClass(NeedsQemu.class))
        .execute();
  }

  @NeedsHost(HostTool.QEMU)
  static class NeedsQemu {
    static boolean started;

    @BeforeAll
    static void start() {
      started = true;
    }

    @Test
    void boots() {}
  }
}
