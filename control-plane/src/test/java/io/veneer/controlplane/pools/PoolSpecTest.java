package io.veneer.controlplane.pools;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.scheduler.cluster.Resources;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolSpecTest {

  private static final PoolSpec SPEC =
      new PoolSpec(
          "engineering",
          PoolKind.DEDICATED,
          "win11",
          "v7",
          "sha256:abc",
          new Resources(4, 8192, 64),
          1,
          9,
          2,
          3,
          Set.of("alice"),
          Set.of("devs"),
          new GuestHardware("q35", "uefi", "disk", true));

  @Test
  void builderHoldsEveryFieldOfTheSpec() {
    assertThat(
            Arrays.stream(PoolSpec.Builder.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers()))
                .map(Field::getName))
        .as("PoolSpec.Builder must carry every component of PoolSpec")
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(PoolSpec.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList());
  }

  @Test
  void builderCopiesASpecUnchanged() {
    assertThat(SPEC.toBuilder().build()).isEqualTo(SPEC);
  }

  @Test
  void builderChangesOnlyWhatItIsTold() {
    PoolSpec rolled = SPEC.toBuilder().golden("", "v8", "").hardware(null).build();

    assertThat(rolled)
        .usingRecursiveComparison()
        .ignoringFields("goldenImage", "goldenVersion", "goldenDigest", "hardware")
        .isEqualTo(SPEC);
    assertThat(rolled.goldenVersion()).isEqualTo("v8");
    assertThat(rolled.hardware()).isNull();
  }
}
