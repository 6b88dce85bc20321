package io.veneer.agent;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.veneer.agent.balloon.Ballooning;
import io.veneer.agent.balloon.ProcHostMemory;
import io.veneer.agent.connection.ControlPlaneSession;
import io.veneer.agent.console.ConsoleGateway;
import io.veneer.agent.console.GrantKeys;
import io.veneer.agent.converge.Converger;
import io.veneer.agent.converge.ImageEviction;
import io.veneer.agent.health.AgentVitals;
import io.veneer.agent.health.HealthServer;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorDriver;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One node agent: its converger and control-plane stream on one loop thread, which never waits:
 * image downloads run on a thread of their own, and each desktop's driver calls on a virtual thread
 * of their own, so neither the network nor a slow guest delays a heartbeat.
 */
public final class NodeAgent implements AutoCloseable {

  private static final Logger log = Logger.getLogger(NodeAgent.class.getName());
  private static final Duration FETCH_RETRY = Duration.ofSeconds(30);
  private static final Duration IDLE_TICK = Duration.ofSeconds(1);
  private static final Duration SETTLING_TICK = Duration.ofMillis(100);
  // How long the first Hello waits for the guests found on disk to be looked at.
  private static final Duration ADOPTION_PATIENCE = Duration.ofSeconds(10);
  // Touched by the loop thread only.
  private Instant nextFullPass = Instant.MIN;
  private boolean sessionStarted;

  private final ScheduledExecutorService loop;
  private final ManagedChannel channel;
  private final ControlPlaneSession session;
  private final ImageCache images;
  private final ImageDownloads downloads;
  private final Converger converger;
  private final ImageEviction eviction;
  private final AgentVitals vitals = new AgentVitals();
  private final HealthServer health;
  private final Ballooning ballooning;
  private final ConsoleGateway consoles;

  public NodeAgent(AgentSettings settings, Hypervisor hypervisor) throws IOException {
    this(settings, hypervisor, Thread.ofPlatform().name("agent-" + settings.hostId()).daemon());
  }

  /**
   * An agent whose loop thread comes from {@code loopThread}: a simulated fleet of thousands of
   * agents in one JVM gives each a virtual thread, so they share a few carrier threads.
   */
  public NodeAgent(AgentSettings settings, Hypervisor hypervisor, Thread.Builder loopThread)
      throws IOException {
    this.loop = Executors.newSingleThreadScheduledExecutor(loopThread.factory());
    this.channel = channel(settings);
    this.images =
        new ImageCache(settings.dataDir(), settings.imageCacheBytes(), settings.blobSource());
    ControlPlaneSession[] holder = new ControlPlaneSession[1];
    this.downloads =
        new ImageDownloads(
            images,
            Clock.systemUTC(),
            FETCH_RETRY,
            cached -> onLoop(() -> holder[0].imageCached(cached)));
    this.converger =
        new Converger(
            hypervisor,
            downloads,
            status -> holder[0].report(status),
            settings.dataDir(),
            settings.stopGrace(),
            settings.stuckAfter(),
            Clock.systemUTC(),
            loop,
            task -> Thread.ofVirtual().name("desktop-work").start(task));
    this.eviction = new ImageEviction(converger, hypervisor, images);
    this.ballooning =
        settings.balloon().enabled()
            ? new Ballooning(hypervisor, ProcHostMemory.system(), settings.balloon())
            : null;
    GrantKeys grantKeys = settings.console() == null ? null : settings.console().grantKeys();
    this.consoles =
        grantKeys == null
            ? null
            : settings.console().open(settings.hostId(), hypervisor, grantKeys);
    this.session =
        new ControlPlaneSession(
            settings,
            channel,
            converger,
            downloads,
            hypervisor.name(),
            hypervisor.capabilities(),
            vitals,
            loop,
            ballooning == null ? Optional::empty : ballooning::guestsMemory,
            consoles == null ? 0 : consoles.port(),
            grantKeys == null ? keys -> {} : grantKeys::sent);
    holder[0] = session;
    this.health =
        settings.healthListen() == null
            ? null
            : new HealthServer(settings.healthListen(), vitals, Clock.systemUTC());
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      log.fine("event=agent-closing dropped=image-cache-change");
    }
  }

  /** The installed driver the settings name, opened for this host. */
  public static Hypervisor hypervisor(AgentSettings settings) {
    return HypervisorDriver.named(settings.driver()).open(settings);
  }

  public void start() {
    loop.execute(() -> converger.adopt(this::startSession));
    loop.schedule(this::startSession, ADOPTION_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    loop.schedule(this::tick, IDLE_TICK.toMillis(), TimeUnit.MILLISECONDS);
    if (ballooning != null) {
      ballooning.start();
    }
  }

  /** Connects once the guests found on disk were looked at, or once patience ran out. */
  private void startSession() {
    if (!sessionStarted) {
      sessionStarted = true;
      session.start();
    }
  }

  /**
   * One pass, then the next: every second a full one; in between, while a desktop is on its way,
   * one over those desktops only, so that a guest is seen ready at once without asking every other
   * guest how it is ten times a second.
   */
  private void tick() {
    try {
      Instant now = Instant.now();
      if (!now.isBefore(nextFullPass)) {
        converger.convergeOnce();
        nextFullPass = now.plus(IDLE_TICK);
      } else {
        converger.convergeSettling();
      }
      vitals.passed(now, converger.desktopsByState(), converger.driverCallsInFlight());
      List<String> evicted = eviction.run();
      if (!evicted.isEmpty()) {
        session.imagesEvicted(evicted);
      }
    } catch (IOException | RuntimeException e) {
      log.warning("event=tick-failed reason=\"" + e.getMessage() + "\"");
    } finally {
      if (!loop.isShutdown()) {
        Duration next = converger.settling() ? SETTLING_TICK : IDLE_TICK;
        loop.schedule(this::tick, next.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  public ImageCache images() {
    return images;
  }

  /** The health endpoint's port, when one was asked for. */
  public Optional<Integer> healthPort() {
    return Optional.ofNullable(health).map(HealthServer::port);
  }

  /** The console listener's port, when one was asked for. */
  public Optional<Integer> consolePort() {
    return Optional.ofNullable(consoles).map(ConsoleGateway::port);
  }

  @Override
  public void close() {
    if (consoles != null) {
      consoles.close();
    }
    if (ballooning != null) {
      ballooning.close();
    }
    if (health != null) {
      health.close();
    }
    downloads.close();
    session.close();
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
  }

  private static ManagedChannel channel(AgentSettings settings) {
    String[] target = settings.controlPlane().split(":");
    return NettyChannelBuilder.forAddress(
            target[0],
            Integer.parseInt(target[1]),
            settings.controlPlaneTls().credentials(settings.controlPlane()))
        .build();
  }
}
