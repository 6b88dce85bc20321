package io.veneer.agent;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.veneer.agent.connection.ControlPlaneSession;
import io.veneer.agent.converge.Converger;
import io.veneer.agent.converge.ImageEviction;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One node agent: its driver, image cache, converger and control-plane stream on one loop thread;
 * only image downloads run elsewhere, so that the loop never waits on the network.
 */
public final class NodeAgent implements AutoCloseable {

  private static final Logger log = Logger.getLogger(NodeAgent.class.getName());
  private static final Duration FETCH_RETRY = Duration.ofSeconds(30);
  private static final Duration IDLE_TICK = Duration.ofSeconds(1);
  private static final Duration SETTLING_TICK = Duration.ofMillis(100);
  // Touched by the loop thread only.
  private Instant nextFullPass = Instant.MIN;

  private final ScheduledExecutorService loop;
  private final ManagedChannel channel;
  private final ControlPlaneSession session;
  private final ImageCache images;
  private final ImageDownloads downloads;
  private final Converger converger;
  private final ImageEviction eviction;

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
            Clock.systemUTC());
    this.eviction = new ImageEviction(converger, hypervisor, images);
    this.session =
        new ControlPlaneSession(settings, channel, converger, downloads, hypervisor.name(), loop);
    holder[0] = session;
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      log.fine("event=agent-closing dropped=image-cache-change");
    }
  }

  /** The driver the settings name; QEMU falls back to nothing: an explicit choice is required. */
  public static Hypervisor hypervisor(AgentSettings settings) {
    return switch (settings.driver()) {
      case "qemu" ->
          new QemuHypervisor(
              settings.dataDir(),
              settings.qemuSystem(),
              settings.qemuImg(),
              settings.guestReadyLine(),
              settings.guestEgress());
      default -> {
        log.warning(
            "event=simulated-driver message=\"THIS HOST RUNS NO REAL GUESTS: the simulated driver"
                + " is in use (VENEER_DRIVER=simulated or qemu-system-x86_64 not found)\"");
        yield new SimulatedHypervisor(
            Clock.systemUTC(), settings.simulatedStartDelay(), settings.simulatedStopDelay());
      }
    };
  }

  public void start() {
    session.start();
    loop.schedule(this::tick, IDLE_TICK.toMillis(), TimeUnit.MILLISECONDS);
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

  @Override
  public void close() {
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
