package io.veneer.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces made for one test: a host's egress namespace and, behind a veth pair, an
 * "outside" network with one TCP server that greets every connection with {@link #GREETING}. The
 * outside is 198.18.0.2 (benchmarking range, only ever inside these namespaces). Needs root and
 * iproute2; the namespaces and the server go on {@link #close()}.
 */
final class TestNamespaces implements AutoCloseable {

  static final String GREETING = "OUTSIDE";
  static final String OUTSIDE_ADDRESS = "198.18.0.2";
  static final int OUTSIDE_PORT = 8080;

  private final String egress;
  private final String outside;
  private final Process server;

  private TestNamespaces(String egress, String outside, Process server) {
    this.egress = egress;
    this.outside = outside;
    this.server = server;
  }

  static TestNamespaces create() throws IOException, InterruptedException {
    String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16, 1 << 20));
    String egress = "veneer-egress-" + id;
    String outside = "veneer-outside-" + id;
    ip("netns", "add", egress);
    ip("netns", "add", outside);
    ip("link", "add", "ve" + id, "type", "veth", "peer", "name", "vo" + id);
    ip("link", "set", "ve" + id, "netns", egress);
    ip("link", "set", "vo" + id, "netns", outside);
    ip("-n", egress, "addr", "add", "198.18.0.1/24", "dev", "ve" + id);
    ip("-n", outside, "addr", "add", OUTSIDE_ADDRESS + "/24", "dev", "vo" + id);
    for (String[] link :
        List.of(new String[] {egress, "ve" + id}, new String[] {outside, "vo" + id})) {
      ip("-n", link[0], "link", "set", "lo", "up");
      ip("-n", link[0], "link", "set", link[1], "up");
    }
    ip("-n", egress, "route", "add", "default", "via", OUTSIDE_ADDRESS);
    Process server =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                outside,
                "busybox",
                "nc",
                "-ll",
                "-p",
                String.valueOf(OUTSIDE_PORT),
                "-e",
                "/bin/echo",
                GREETING)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return new TestNamespaces(egress, outside, server);
  }

  Path egress() {
    return Path.of("/run/netns", egress);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    ip("netns", "del", egress);
    ip("netns", "del", outside);
  }

  private static void ip(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (needs root): " + output);
    }
  }
}
