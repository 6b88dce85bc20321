package io.veneer.controlplane.desktops;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The desktop predicates have a Java face and a SQL face; they must give one answer. */
class DesktopPredicatesTest extends ControlPlaneSpringTest {

  @Autowired JdbcTemplate jdbc;

  @ParameterizedTest
  @EnumSource(DesktopState.class)
  void liveMeansTheSameInJavaAndInSql(DesktopState state) {
    assertThat(jdbc.queryForObject("SELECT desktop_live(?)", Boolean.class, state.name()))
        .isEqualTo(state.live());
  }

  @ParameterizedTest
  @EnumSource(DesktopState.class)
  void presentMeansTheSameInJavaAndInSql(DesktopState state) {
    assertThat(jdbc.queryForObject("SELECT desktop_present(?)", Boolean.class, state.name()))
        .isEqualTo(state.present());
  }

  @ParameterizedTest
  @EnumSource(DesktopState.class)
  void freeMeansTheSameInJavaAndInSql(DesktopState state) {
    assertThat(jdbc.queryForObject("SELECT desktop_free(NULL, ?)", Boolean.class, state.name()))
        .as("nobody's desktop")
        .isEqualTo(state.handsOut());
    assertThat(jdbc.queryForObject("SELECT desktop_free('alice', ?)", Boolean.class, state.name()))
        .as("someone's desktop is never free")
        .isFalse();
  }
}
