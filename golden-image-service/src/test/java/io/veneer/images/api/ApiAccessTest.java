package io.veneer.images.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.images.ImagesProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Until identity lands, the images API admits the API token, or anyone in local dev mode. */
class ApiAccessTest {

  @Test
  void admitsOnlyTheConfiguredBearerToken() {
    ApiAccess access = new ApiAccess(properties("s3cret", false));

    assertThat(access.admits("Bearer s3cret")).isTrue();
    assertThat(access.admits("Bearer s3cre")).isFalse();
    assertThat(access.admits("s3cret")).isFalse();
    assertThat(access.admits(null)).isFalse();
  }

  @Test
  void admitsAnyoneInLocalDevelopmentMode() {
    assertThat(new ApiAccess(properties(null, true)).admits(null)).isTrue();
  }

  @Test
  void refusesToStartWithNeitherATokenNorLocalDevelopmentMode() {
    assertThatThrownBy(() -> properties(" ", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("veneer.images.api-token")
        .hasMessageContaining("veneer.images.local-dev-mode=true");
  }

  private static ImagesProperties properties(String apiToken, boolean localDevMode) {
    return new ImagesProperties(
        Path.of("unused"),
        DataSize.ofGigabytes(1),
        "qemu-img",
        30,
        DataSize.ofGigabytes(2),
        Duration.ofSeconds(60),
        Duration.ofHours(2),
        "agent",
        -1,
        List.of(),
        apiToken,
        localDevMode);
  }
}
