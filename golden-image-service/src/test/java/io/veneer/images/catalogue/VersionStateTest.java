package io.veneer.images.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The version lifecycle, every pair of states checked against the one table of transitions. */
class VersionStateTest {

  private static final Set<String> ALLOWED =
      Set.of(
          "UPLOADING->VERIFYING",
          "UPLOADING->REJECTED",
          "VERIFYING->AVAILABLE",
          "VERIFYING->REJECTED",
          "AVAILABLE->PUBLISHED",
          "AVAILABLE->DELETED",
          "PUBLISHED->DEPRECATED",
          "DEPRECATED->PUBLISHED",
          "DEPRECATED->DELETED",
          "REJECTED->DELETED");

  static Stream<Arguments> everyPairOfStates() {
    return EnumSet.allOf(VersionState.class).stream()
        .flatMap(
            from -> EnumSet.allOf(VersionState.class).stream().map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPairOfStates")
  void allowsExactlyTheListedTransitions(VersionState from, VersionState to) {
    assertThat(from.canBecome(to)).isEqualTo(ALLOWED.contains(from + "->" + to));
  }

  @Test
  void aPublishedVersionCanNeverGoBackToBeingVerifiedOrRewritten() {
    ImageVersion version = versionIn(VersionState.PUBLISHED);

    for (VersionState earlier :
        EnumSet.of(VersionState.UPLOADING, VersionState.VERIFYING, VersionState.AVAILABLE)) {
      assertThatThrownBy(() -> version.moveTo(earlier))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("PUBLISHED");
    }
    assertThatThrownBy(() -> version.reject("late")).isInstanceOf(IllegalTransitionException.class);
    assertThat(version.state()).isEqualTo(VersionState.PUBLISHED);
  }

  @Test
  void onlyAvailablePublishedAndDeprecatedVersionsAreUsable() {
    assertThat(EnumSet.allOf(VersionState.class).stream().filter(VersionState::isUsable))
        .containsExactly(VersionState.AVAILABLE, VersionState.PUBLISHED, VersionState.DEPRECATED);
  }

  private static ImageVersion versionIn(VersionState state) {
    Image image =
        new Image(UUID.randomUUID(), "test", HardwareProfile.DEFAULT, "", "", Instant.EPOCH);
    ImageVersion version =
        new ImageVersion(UUID.randomUUID(), image, 1, VersionKind.DISK, Instant.EPOCH);
    version.moveTo(VersionState.VERIFYING);
    version.moveTo(VersionState.AVAILABLE);
    if (state == VersionState.PUBLISHED) {
      version.moveTo(VersionState.PUBLISHED);
    }
    return version;
  }
}
