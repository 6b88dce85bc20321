package io.veneer.controlplane.desktops;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The desktop predicates have a Java face and a SQL face; they must give one answer. */
class DesktopPredicatesTest extends ControlPlaneSpringTest {

  @Autowired JdbcTemplate jdbc;

  /** Every phase, with and without its deletion asked for. */
  static Stream<Arguments> phasesAndDeletion() {
    return Arrays.stream(DesktopState.values())
        .flatMap(phase -> Stream.of(Arguments.of(phase, false), Arguments.of(phase, true)));
  }

  /** Disks: the spec's, the one its agent saw; 0 seen means none reported yet. */
  static Stream<Arguments> disks() {
    return Stream.of(
        Arguments.of(1L, 0L, false),
        Arguments.of(1L, 1L, false),
        Arguments.of(2L, 1L, true),
        Arguments.of(3L, 1L, true),
        Arguments.of(2L, 2L, false));
  }

  @ParameterizedTest
  @MethodSource("phasesAndDeletion")
  void liveMeansTheSameInJavaAndInSql(DesktopState phase, boolean deletionRequested) {
    assertThat(
            jdbc.queryForObject(
                "SELECT desktop_live(?::timestamptz, ?)",
                Boolean.class,
                requestedAt(deletionRequested),
                phase.name()))
        .isEqualTo(DesktopPredicates.live(deletionRequested, phase));
  }

  @ParameterizedTest
  @EnumSource(DesktopState.class)
  void presentMeansTheSameInJavaAndInSql(DesktopState state) {
    assertThat(jdbc.queryForObject("SELECT desktop_present(?)", Boolean.class, state.name()))
        .isEqualTo(state.present());
  }

  @ParameterizedTest
  @MethodSource("disks")
  void refreshingMeansTheSameInJavaAndInSql(long osDisk, long seen, boolean refreshing) {
    assertThat(jdbc.queryForObject("SELECT desktop_refreshing(?, ?)", Boolean.class, osDisk, seen))
        .isEqualTo(DesktopPredicates.refreshing(osDisk, seen))
        .isEqualTo(refreshing);
  }

  @ParameterizedTest
  @MethodSource("phasesAndDeletion")
  void freeMeansTheSameInJavaAndInSql(DesktopState phase, boolean deletionRequested) {
    disks()
        .map(Arguments::get)
        .forEach(
            disk -> {
              long osDisk = (long) disk[0];
              long seen = (long) disk[1];
              assertThat(free(null, deletionRequested, phase, osDisk, seen))
                  .as("nobody's desktop on disk %d, seen %d", osDisk, seen)
                  .isEqualTo(DesktopPredicates.free(false, deletionRequested, phase, osDisk, seen));
              assertThat(free("alice", deletionRequested, phase, osDisk, seen))
                  .as("someone's desktop is never free")
                  .isFalse();
            });
  }

  private Boolean free(
      String owner, boolean deletionRequested, DesktopState phase, long osDisk, long seen) {
    return jdbc.queryForObject(
        "SELECT desktop_free(?::text, ?::timestamptz, ?, ?, ?)",
        Boolean.class,
        owner,
        requestedAt(deletionRequested),
        phase.name(),
        osDisk,
        seen);
  }

  private static Timestamp requestedAt(boolean deletionRequested) {
    return deletionRequested ? Timestamp.from(Instant.now()) : null;
  }
}
