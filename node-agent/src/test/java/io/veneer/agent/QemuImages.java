package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What QEMU tests read of a guest's qcow2 disks, with QEMU's own tools. */
public final class QemuImages {

  private QemuImages() {}

  /**
   * Bytes of guest data allocated in the overlay itself (depth 0), not read through to its base.
   */
  public static long bytesHeldByTheOverlayItself(Path overlay) throws IOException {
    Process process =
        new ProcessBuilder("qemu-img", "map", "--output=json", "-U", overlay.toString()).start();
    JsonNode extents = JsonMapper.builder().build().readTree(process.getInputStream());
    long bytes = 0;
    for (JsonNode extent : extents) {
      if (extent.get("depth").asInt() == 0 && extent.get("data").asBoolean()) {
        bytes += extent.get("length").asLong();
      }
    }
    return bytes;
  }

  /**
   * The QEMU processes running this OS disk, each by pid and start time (a boot's identity),
   * whichever driver started them.
   */
  public static Set<String> guestProcesses(Path osDisk) {
    String disk = osDisk.toString();
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains(disk))
        .filter(process -> process.info().command().orElse("").contains("qemu-system"))
        .map(process -> process.pid() + "@" + process.info().startInstant().orElseThrow())
        .collect(Collectors.toSet());
  }

  /** Runs qemu-io on a qcow2 image ({@code -r -U} reads it beside a running guest). */
  public static String qemuIo(Path image, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
    command.addAll(List.of(arguments));
    command.add(image.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s: %s", command, output).isZero();
    return output;
  }

  /** The inodes of TCP sockets in LISTEN that process {@code pid} holds. */
  public static Set<String> listeningTcpSocketsOf(long pid) throws IOException {
    Set<String> held = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            held.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    }
    Set<String> listening = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
        String[] fields = line.trim().split("\\s+");
        if (fields[3].equals("0A")) {
          listening.add(fields[9]);
        }
      }
    }
    held.retainAll(listening);
    return held;
  }
}
