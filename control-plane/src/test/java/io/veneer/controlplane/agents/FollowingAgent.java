package io.veneer.controlplane.agents;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.ConsoleEndpoint;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.time.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node agent played by the test that does what it is told at once, over the real Connect
 * contract: every desired desktop is reported running (with a console endpoint) or stopped, as its
 * power state says, at its spec generation, every removal reported absent. It remembers what it
 * holds, as a real agent's inventory would, and can reconnect claiming to hold only some of it.
 */
public final class FollowingAgent implements AutoCloseable {

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("x-veneer-agent-token", Metadata.ASCII_STRING_MARSHALLER);

  private final String hostId;
  private final ManagedChannel channel;
  private final Map<String, DesiredDesktop> held = new ConcurrentHashMap<>();
  private final Map<String, Long> osDiskGenerations = new ConcurrentHashMap<>();
  private final Metadata headers = new Metadata();
  private volatile StreamObserver<AgentMessage> toServer;
  private volatile boolean beats;
  private volatile boolean silent;
  private ScheduledExecutorService heartbeats;

  /**
   * A large host (64 vCPU, 256 GiB, 4 TiB) registered on {@code controlPlane}, and its agent,
   * connected and beating, once its Hello has been heard.
   */
  public static FollowingAgent beatingOn(ConfigurableApplicationContext controlPlane, String host)
      throws InterruptedException {
    HostService hosts = controlPlane.getBean(HostService.class);
    hosts.register(new HostRegistration(host, new Resources(64, 262_144, 4_096), Map.of(), ""));
    FollowingAgent agent =
        new FollowingAgent(
                controlPlane.getBean(AgentGrpcServer.class).port(),
                host,
                controlPlane.getBean(AgentCredentials.class).issue(host))
            .beating()
            .connect();
    Eventually.await(
        Duration.ofSeconds(60), host + "'s agent said Hello", () -> lastHeard(hosts, host) != null);
    return agent;
  }

  /** When {@code host}'s agent was last heard from, or null for never. */
  public static Instant lastHeard(HostService hosts, String host) {
    return hosts.view(hosts.get(host)).lastHeartbeatAt();
  }

  public FollowingAgent(int port, String hostId, String token) {
    this.hostId = hostId;
    this.channel = TestTls.channel(port);
    headers.put(TOKEN, token);
  }

  /** The port of the console listener every following agent says it has. */
  public static final int CONSOLE_PORT = 7443;

  /** Opens the stream and says Hello with the inventory it holds (all of it). */
  public FollowingAgent connect() {
    return connectHolding(held.values().stream().map(DesiredDesktop::getDesktopId).toList());
  }

  /**
   * Opens the stream claiming to hold only {@code kept}; the rest is forgotten, as after a wipe.
   */
  public synchronized FollowingAgent connectHolding(Collection<String> kept) {
    held.keySet().retainAll(kept);
    toServer =
        AgentServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .connect(new Follower());
    var hello = AgentMessages.hello(hostId).setConsolePort(CONSOLE_PORT);
    held.values().forEach(desktop -> hello.addInventory(statusOf(desktop)));
    send(AgentMessage.newBuilder().setHello(hello).build());
    return this;
  }

  /** Its next stream presents {@code token}: an admin issued the host a new one. */
  public synchronized FollowingAgent withToken(String token) {
    headers.discardAll(TOKEN);
    headers.put(TOKEN, token);
    return this;
  }

  /**
   * From its next desired set on, it sends heartbeats at the interval that set names, as a real
   * agent does. Off unless asked for, so that no other test has a timer it did not want.
   */
  public FollowingAgent beating() {
    beats = true;
    return this;
  }

  /**
   * It stops sending anything, heartbeats included, with its stream left open: a host that hung or
   * was cut off without a goodbye.
   */
  public void fallSilent() {
    silent = true;
  }

  /** It talks again after {@link #fallSilent}: its next heartbeat goes out on its schedule. */
  public void speakAgain() {
    silent = false;
  }

  private synchronized void startBeating(int intervalSeconds) {
    if (!beats || heartbeats != null) {
      return;
    }
    heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("heartbeats-" + hostId).daemon().factory());
    heartbeats.scheduleAtFixedRate(
        () ->
            send(
                AgentMessage.newBuilder()
                    .setHeartbeat(
                        Heartbeat.newBuilder().setSentAt(now()).setRunningDesktops(held.size()))
                    .build()),
        0,
        intervalSeconds,
        TimeUnit.SECONDS);
  }

  private static Timestamp now() {
    Instant now = Instant.now();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }

  /** Ends the stream, as an agent that restarts does; what it holds stays. */
  public synchronized void disconnect() {
    if (toServer != null) {
      toServer.onCompleted();
      toServer = null;
    }
  }

  /** The ids of the desktops it holds. */
  public List<String> holding() {
    return List.copyOf(held.keySet());
  }

  /** The id of the user-data disk it was last told to attach to the desktop; empty for none. */
  public String userDataDiskOf(String desktopId) {
    DesiredDesktop desktop = held.get(desktopId);
    return desktop == null || !desktop.hasUserDataDisk()
        ? ""
        : desktop.getUserDataDisk().getDiskId();
  }

  public long osDiskGenerationOf(String desktopId) {
    return osDiskGenerations.getOrDefault(desktopId, 0L);
  }

  private synchronized void send(AgentMessage message) {
    if (toServer != null && !silent) {
      toServer.onNext(message);
    }
  }

  private void apply(DesiredDesktop desktop) {
    DesiredDesktop before = held.get(desktop.getDesktopId());
    if (before != null && before.getSpecGeneration() > desktop.getSpecGeneration()) {
      return;
    }
    held.put(desktop.getDesktopId(), desktop);
    osDiskGenerations.put(desktop.getDesktopId(), desktop.getOsDiskGeneration());
    send(AgentMessage.newBuilder().setStatus(statusOf(desktop)).build());
  }

  private void remove(String desktopId, long generation) {
    held.remove(desktopId);
    send(
        AgentMessage.newBuilder()
            .setStatus(
                AgentMessages.status(desktopId, generation, ObservedState.OBSERVED_STATE_ABSENT))
            .build());
  }

  private static DesktopStatus statusOf(DesiredDesktop desktop) {
    ObservedState state =
        desktop.getPowerState() == PowerState.POWER_STATE_RUNNING
            ? ObservedState.OBSERVED_STATE_RUNNING
            : ObservedState.OBSERVED_STATE_STOPPED;
    DesktopStatus.Builder status =
        AgentMessages.status(desktop.getDesktopId(), desktop.getSpecGeneration(), state)
            .setOsDiskGeneration(desktop.getOsDiskGeneration());
    if (state == ObservedState.OBSERVED_STATE_RUNNING) {
      status.setConsole(consoleOf(desktop.getDesktopId()));
    }
    return status.build();
  }

  /**
   * Where a running desktop's display would listen, made up from its id; it names a host and a unix
   * socket elsewhere, as a lying agent would: the control plane must take neither.
   */
  public static ConsoleEndpoint consoleOf(String desktopId) {
    return ConsoleEndpoint.newBuilder()
        .setHost("203.0.113.7")
        .setUnixSocket("/run/veneer/someone-elses-display.sock")
        .setPort(5900 + Math.floorMod(desktopId.hashCode(), 1000))
        .setPassword("pw-" + desktopId.substring(0, 8))
        .setProtocol("vnc")
        .build();
  }

  private final class Follower implements StreamObserver<ControlMessage> {
    @Override
    public void onNext(ControlMessage message) {
      switch (message.getKindCase()) {
        case DESIRED_SET -> {
          List<String> wanted =
              message.getDesiredSet().getDesktopsList().stream()
                  .map(DesiredDesktop::getDesktopId)
                  .toList();
          for (DesiredDesktop orphan : List.copyOf(held.values())) {
            if (!wanted.contains(orphan.getDesktopId())) {
              remove(orphan.getDesktopId(), orphan.getSpecGeneration() + 1);
            }
          }
          message.getDesiredSet().getDesktopsList().forEach(FollowingAgent.this::apply);
          startBeating(message.getDesiredSet().getHeartbeatIntervalSeconds());
        }
        case UPSERT -> apply(message.getUpsert());
        case REMOVAL ->
            remove(message.getRemoval().getDesktopId(), message.getRemoval().getSpecGeneration());
        case PREFETCH, HOST_ORDER, CONSOLE_GRANT_KEYS, KIND_NOT_SET -> {}
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  @Override
  public void close() {
    synchronized (this) {
      if (heartbeats != null) {
        heartbeats.shutdownNow();
      }
    }
    disconnect();
    channel.shutdownNow();
  }
}
