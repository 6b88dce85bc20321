package io.veneer.controlplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HearingTest {

  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Instant START = Instant.parse("2026-12-07T20:00:00Z");

  private static Instant at(int seconds) {
    return START.plusSeconds(seconds);
  }

  @Test
  void aReplicaJustStartedJudgesNoHostSilentUntilItHasHeardForTheGrace() {
    Hearing hearing = Hearing.startedAt(START);

    assertThat(hearing.silentBefore(at(29), GRACE)).isEqualTo(Instant.EPOCH);
    assertThat(hearing.silentBefore(at(40), GRACE)).isEqualTo(at(10));
  }

  @Test
  void anOutagePastTheGraceIsNotCountedAsSilence() {
    Hearing hearing = Hearing.startedAt(START);
    hearing.interrupted(at(100));
    hearing.heard(at(160));

    // Heard for 5 s since the outage: 25 s more of silence must come from before it.
    assertThat(hearing.silentBefore(at(165), GRACE)).isEqualTo(at(75));
    // Once heard for the grace, silence is counted as usual.
    assertThat(hearing.silentBefore(at(200), GRACE)).isEqualTo(at(170));
  }

  @Test
  void whileDeafOnlyHostsSilentPastTheGraceBeforeItAreSilent() {
    Hearing hearing = Hearing.startedAt(START);
    hearing.interrupted(at(100));

    assertThat(hearing.silentBefore(at(500), GRACE)).isEqualTo(at(70));
  }

  @Test
  void aShortFailureDiscountsOnlyItsOwnLength() {
    Hearing hearing = Hearing.startedAt(START);
    hearing.interrupted(at(100));
    hearing.heard(at(101));

    assertThat(hearing.silentBefore(at(110), GRACE)).isEqualTo(at(79));
    hearing.heard(at(120));
    assertThat(hearing.silentBefore(at(140), GRACE)).isEqualTo(at(110));
  }
}
