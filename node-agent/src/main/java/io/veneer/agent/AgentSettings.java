package io.veneer.agent;

import io.veneer.agent.balloon.BalloonSettings;
import io.veneer.agent.balloon.BalloonSwitch;
import io.veneer.agent.balloon.HostMemory;
import io.veneer.agent.balloon.ProcHostMemory;
import io.veneer.agent.console.ConsoleSettings;
import io.veneer.agent.hypervisor.HypervisorDriver;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.images.BlobSource;
import io.veneer.api.tls.ClientTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, from environment variables (documented in node-agent/README.md). Defaults
 * suit one development machine; capacity defaults to what the host has.
 */
public record AgentSettings(
    String controlPlane,
    boolean tls,
    Path tlsCaFile,
    String hostId,
    String agentToken,
    Path dataDir,
    String driver,
    int vcpus,
    long memoryMib,
    long diskGib,
    Map<String, String> labels,
    String zone,
    long imageCacheBytes,
    BlobSource blobSource,
    Duration heartbeatInterval,
    Duration stopGrace,
    Duration stuckAfter,
    Duration simulatedStartDelay,
    Duration simulatedStopDelay,
    String qemuSystem,
    String qemuImg,
    String libvirtUri,
    String guestReadyLine,
    GuestEgress guestEgress,
    InetSocketAddress healthListen,
    BalloonSettings balloon,
    ConsoleSettings console) {

  public static AgentSettings fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, ProcHostMemory.system());
  }

  /** As {@link #fromEnvironment(Map)}, with the host's memory read through {@code hostMemory}. */
  public static AgentSettings fromEnvironment(Map<String, String> env, HostMemory hostMemory) {
    Path dataDir = Path.of(env.getOrDefault("VENEER_DATA_DIR", ".veneer/agent"));
    String qemuSystem = env.getOrDefault("VENEER_QEMU_SYSTEM", "qemu-system-x86_64");
    String driver = env.getOrDefault("VENEER_DRIVER", onPath(qemuSystem) ? "qemu" : "simulated");
    long memoryMib = longValue(env, "VENEER_MEMORY_MIB", hostMemoryMib());
    return new AgentSettings(
        env.getOrDefault("VENEER_CONTROL_PLANE", "127.0.0.1:9090"),
        Boolean.parseBoolean(env.getOrDefault("VENEER_TLS", "true")),
        env.containsKey("VENEER_TLS_CA") ? Path.of(env.get("VENEER_TLS_CA")) : null,
        env.getOrDefault("VENEER_HOST_ID", hostName()),
        env.getOrDefault("VENEER_AGENT_TOKEN", ""),
        dataDir,
        driver,
        integer(env, "VENEER_VCPUS", Runtime.getRuntime().availableProcessors()),
        memoryMib,
        longValue(env, "VENEER_DISK_GIB", hostDiskGib(dataDir)),
        labels(env.getOrDefault("VENEER_LABELS", "")),
        env.getOrDefault("VENEER_ZONE", "default"),
        longValue(env, "VENEER_IMAGE_CACHE_GIB", 50) << 30,
        new BlobSource(
            uri(env, "VENEER_IMAGE_SERVICE"),
            env.getOrDefault("VENEER_IMAGE_SERVICE_TOKEN", ""),
            Duration.ofSeconds(longValue(env, "VENEER_IMAGE_CONNECT_TIMEOUT_SECONDS", 10)),
            Duration.ofSeconds(longValue(env, "VENEER_IMAGE_READ_TIMEOUT_SECONDS", 30))),
        Duration.ofSeconds(longValue(env, "VENEER_HEARTBEAT_SECONDS", 10)),
        Duration.ofSeconds(longValue(env, "VENEER_STOP_GRACE_SECONDS", 10)),
        Duration.ofSeconds(longValue(env, "VENEER_STUCK_AFTER_SECONDS", 60)),
        Duration.ofMillis(longValue(env, "VENEER_SIMULATED_START_MS", 2000)),
        Duration.ofMillis(longValue(env, "VENEER_SIMULATED_STOP_MS", 500)),
        qemuSystem,
        env.getOrDefault("VENEER_QEMU_IMG", "qemu-img"),
        env.getOrDefault("VENEER_LIBVIRT_URI", "qemu:///system"),
        env.getOrDefault("VENEER_GUEST_READY_LINE", ""),
        GuestEgress.of(
            env.getOrDefault("VENEER_GUEST_EGRESS_NETNS", ""),
            env.getOrDefault("VENEER_PASST", "passt")),
        listenAddress(env.getOrDefault("VENEER_HEALTH_LISTEN", "")),
        new BalloonSettings(
            BalloonSwitch.enabled(env.get("VENEER_BALLOON"), driver, hostMemory),
            integer(env, "VENEER_BALLOON_FLOOR_PERCENT", 50),
            integer(env, "VENEER_BALLOON_PRESSURE_PERCENT", 10),
            longValue(env, "VENEER_BALLOON_MIN_AVAILABLE_MIB", memoryMib / 10),
            Duration.ofSeconds(longValue(env, "VENEER_BALLOON_PERIOD_SECONDS", 5))),
        ConsoleSettings.fromEnvironment(env));
  }

  /** {@code host:port} to listen on, or null for an empty setting (no health endpoint). */
  private static InetSocketAddress listenAddress(String text) {
    if (text.isBlank()) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65_535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "VENEER_HEALTH_LISTEN must be host:port (e.g. 0.0.0.0:9464), or empty for none, not '"
              + text
              + "'");
    }
  }

  public AgentSettings {
    HypervisorDriver.named(driver);
    if (!controlPlane.matches("[^:\\s]+:\\d+")) {
      throw new IllegalArgumentException(
          "VENEER_CONTROL_PLANE must be host:port, not '" + controlPlane + "'");
    }
    if (guestEgress.offered() && !Files.exists(guestEgress.namespace())) {
      throw new IllegalArgumentException(
          "VENEER_GUEST_EGRESS_NETNS names no network namespace: "
              + guestEgress.namespace()
              + " does not exist (ip netns add NAME)");
    }
    controlPlaneTls();
    if (stuckAfter.compareTo(stopGrace) <= 0) {
      // A stop may rightly take its whole grace: a desktop is not stuck before that.
      throw new IllegalArgumentException(
          "VENEER_STUCK_AFTER_SECONDS ("
              + stuckAfter.toSeconds()
              + ") must exceed VENEER_STOP_GRACE_SECONDS ("
              + stopGrace.toSeconds()
              + ")");
    }
    if (imageCacheBytes <= 0) {
      throw new IllegalArgumentException("VENEER_IMAGE_CACHE_GIB must be at least 1");
    }
    if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "VENEER_HOST_ID must be 1-63 letters, digits, dots, dashes, underscores, not '"
              + hostId
              + "'");
    }
  }

  /**
   * How the control plane is dialled: TLS verified against {@code VENEER_TLS_CA} (or the JVM's
   * trust store), plaintext only with an explicit {@code VENEER_TLS=false}.
   */
  public ClientTls controlPlaneTls() {
    return new ClientTls(tlsCaFile, !tls, "VENEER_TLS/VENEER_TLS_CA");
  }

  static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] parts = pair.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "VENEER_LABELS is key=value,key=value; '" + pair + "' is not");
      }
      labels.put(parts[0].strip(), parts[1].strip());
    }
    return Map.copyOf(labels);
  }

  private static URI uri(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          name + " must be a URL such as http://images:8080, not '" + value + "'", e);
    }
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    return (int) longValue(env, name, fallback);
  }

  private static long longValue(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost()
          .getHostName()
          .toLowerCase(Locale.ROOT)
          .replaceAll("[^a-z0-9._-]", "-");
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static long hostMemoryMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Fall through to the JVM's view.
    }
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  private static long hostDiskGib(Path dataDir) {
    try {
      Path existing = dataDir.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return existing == null ? 0 : Files.getFileStore(existing).getUsableSpace() >> 30;
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean onPath(String binary) {
    if (binary.contains("/")) {
      return Files.isExecutable(Path.of(binary));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }
}
