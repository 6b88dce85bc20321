package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketPathsTest {

  @TempDir Path work;

  @Test
  void aShortFolderNamesItsSocketsItself() throws Exception {
    Path dir = Files.createDirectories(work.resolve("d"));

    assertThat(new SocketPaths(work.resolve("aliases")).of(dir)).isEqualTo(dir.toAbsolutePath());
  }

  @Test
  void aFolderTooDeepForUnixSocketsIsReachedThroughAShortAliasBothSidesCanUse() throws Exception {
    Path dir = work;
    while (dir.toString().length() <= SocketPaths.MAX_BYTES) {
      dir = dir.resolve("a-rather-long-folder-name");
    }
    Files.createDirectories(dir);
    SocketPaths paths = new SocketPaths(work.resolve("aliases"));

    Path socket = paths.of(dir).resolve("qmp.sock");

    assertThat(socket.toString().length()).isLessThanOrEqualTo(SocketPaths.MAX_BYTES);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        assertThat(client.isConnected()).isTrue();
      }
    }
    assertThat(dir.resolve("qmp.sock")).exists();
    assertThat(paths.of(dir)).isEqualTo(paths.of(dir));
  }
}
