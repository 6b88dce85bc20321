package io.veneer.images.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.images.ImagesProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/** The import allow-list covers whole path segments, and no URL climbs out of an entry. */
class UrlAllowListTest {

  private final UrlImporter importer =
      new UrlImporter(null, properties(List.of("https://images.example/golden")));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://images.example/golden/win11.qcow2,        true",
    "https://images.example/golden/,                   true",
    "https://IMAGES.example:443/golden/a/b.vmdk,       true",
    "https://images.example/golden-other/win11.qcow2,  false",
    "https://images.example/goldenx,                   false",
    "https://images.example/other/win11.qcow2,         false",
    "http://images.example/golden/win11.qcow2,         false",
    "https://images.example:8443/golden/win11.qcow2,   false",
  })
  void matchesWholePathSegments(String url, boolean allowed) {
    assertThat(importer.allows(URI.create(url))).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({
    "https://images.example/golden/%2e%2e/internal/secret",
    "https://images.example/golden/%2E%2e/internal/secret",
    "https://images.example/golden/.%2e/internal/secret",
    "https://images.example/golden/%2e/x",
    "https://images.example/golden/a%2f..%2f..%2finternal",
  })
  void refusesUrlsThatClimbOutOfAnEntryEvenPercentEncoded(String url) {
    assertThatThrownBy(() -> importer.allows(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without . or .. path segments");
  }

  private static ImagesProperties properties(List<String> allowList) {
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
        allowList,
        "api",
        false,
        "",
        "",
        "127.0.0.1",
        2,
        512,
        64,
        DataSize.ofGigabytes(300),
        Duration.ofSeconds(30),
        "veneer-api");
  }
}
