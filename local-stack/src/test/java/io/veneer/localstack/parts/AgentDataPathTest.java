package io.veneer.localstack.parts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDataPathTest {

  @TempDir Path dir;

  @Test
  void givesAShortDataDirectoryAsItIs() throws Exception {
    Path data = dir.resolve("a");

    assertThat(AgentDataPath.forAgent(data, dir, "local-1")).isEqualTo(data);
  }

  @Test
  void reachesADeepDataDirectoryThroughALinkShortEnoughForQmpSockets() throws Exception {
    Path data = dir.resolve("x".repeat(60)).resolve("agents").resolve("local-1");

    Path given = AgentDataPath.forAgent(data, dir, "local-1");

    assertThat(given.toString().length() + "/desktops/".length() + 36 + "/qmp.sock".length())
        .isLessThan(108);
    assertThat(given.toRealPath()).isEqualTo(data.toRealPath());
    assertThat(AgentDataPath.forAgent(data, dir, "local-1")).isEqualTo(given);
    Files.delete(given);
    Files.delete(given.getParent());
  }
}
