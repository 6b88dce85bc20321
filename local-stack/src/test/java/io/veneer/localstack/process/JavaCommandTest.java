package io.veneer.localstack.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JavaCommandTest {

  @TempDir Path archives;

  @Test
  void eachChildMapsAnArchiveOfItsOwnWhichTheJvmCreatesWhenMissingOrOutdated() {
    JavaCommand java = new JavaCommand(Path.of("/jdk/bin/java"), "cp", Optional.of(archives));

    assertThat(java.jar("control-plane", Path.of("cp.jar"), List.of("-Xmx512m"), List.of("--a=b")))
        .containsExactly(
            "/jdk/bin/java",
            "-XX:SharedArchiveFile=" + archives.resolve("control-plane.jsa"),
            "-XX:+AutoCreateSharedArchive",
            "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off",
            "-Xmx512m",
            "-jar",
            "cp.jar",
            "--a=b");
  }

  @Test
  void aChildWritesItsArchiveAtExitOnlyWhileItHasNone() throws IOException {
    JavaCommand java = new JavaCommand(Path.of("java"), "cp", Optional.of(archives));
    assertThat(java.writesArchiveAtExit("kafka")).isTrue();

    Files.createFile(archives.resolve("kafka.jsa"));

    assertThat(java.writesArchiveAtExit("kafka")).isFalse();
  }

  @Test
  void withArchivesOffNoOptionIsAddedAndNothingIsWrittenAtExit() {
    JavaCommand java =
        new JavaCommand(
            Path.of("java"), "cp", JavaCommand.archives(Map.of("VENEER_CDS", "off"), archives));

    assertThat(java.mainClass("kafka", "kafka.Kafka", List.of(), List.of()))
        .containsExactly("java", "-cp", "cp", "kafka.Kafka");
    assertThat(java.writesArchiveAtExit("kafka")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"on", ""})
  void archivesAreOnByDefault(String value) {
    assertThat(JavaCommand.archives(Map.of("VENEER_CDS", value), archives)).contains(archives);
    assertThat(JavaCommand.archives(Map.of(), archives)).contains(archives);
  }

  @Test
  void anyOtherValueIsRefused() {
    assertThatThrownBy(() -> JavaCommand.archives(Map.of("VENEER_CDS", "yes"), archives))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VENEER_CDS must be on or off, not 'yes'");
  }
}
