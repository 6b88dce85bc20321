package io.veneer.agent.connection;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.AgentSettings;
import io.veneer.agent.balloon.GuestsMemory;
import io.veneer.agent.converge.Converger;
import io.veneer.agent.health.AgentVitals;
import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.ImageCacheChange;
import io.veneer.agent.v1.MachineType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The agent's one stream to the control plane: Hello with identity, capacity and full inventory;
 * then desired state in and observed state out; heartbeats; reconnection with jittered exponential
 * backoff, after which the control plane sends the full desired set again. Everything runs on the
 * agent's single loop thread, which never waits on a driver: a heartbeat reads what the desktops'
 * workers last saw.
 */
public final class ControlPlaneSession {

  private static final Logger log = Logger.getLogger(ControlPlaneSession.class.getName());

  /** The host's agent token, as the control plane's agent gateway expects it. */
  static final Metadata.Key<String> AGENT_TOKEN =
      Metadata.Key.of("x-veneer-agent-token", Metadata.ASCII_STRING_MARSHALLER);

  private final AgentSettings settings;
  private final ManagedChannel channel;
  private final Converger converger;
  private final ImageDownloads images;
  private final String hypervisor;
  private final DriverCapabilities capabilities;
  private final AgentVitals vitals;
  private final ScheduledExecutorService loop;
  private final Supplier<Optional<GuestsMemory>> guestsMemory;
  private final int consolePort;
  private final Consumer<ConsoleGrantKeys> grantKeys;
  private StreamObserver<AgentMessage> outbound;
  private ScheduledFuture<?> heartbeats;
  private Duration heartbeatInterval;
  private int failures;
  private volatile boolean closed;

  public ControlPlaneSession(
      AgentSettings settings,
      ManagedChannel channel,
      Converger converger,
      ImageDownloads images,
      String hypervisor,
      DriverCapabilities capabilities,
      AgentVitals vitals,
      ScheduledExecutorService loop,
      Supplier<Optional<GuestsMemory>> guestsMemory,
      int consolePort,
      Consumer<ConsoleGrantKeys> grantKeys) {
    this.settings = settings;
    this.channel = channel;
    this.converger = converger;
    this.images = images;
    this.hypervisor = hypervisor;
    this.capabilities = capabilities;
    this.vitals = vitals;
    this.loop = loop;
    this.guestsMemory = guestsMemory;
    this.consolePort = consolePort;
    this.grantKeys = grantKeys;
    this.heartbeatInterval = settings.heartbeatInterval();
  }

  public void start() {
    loop.execute(this::connect);
  }

  /** Sends a status report when connected; reports made while away are re-sent on reconnect. */
  public void report(DesktopStatus status) {
    if (outbound != null) {
      outbound.onNext(AgentMessage.newBuilder().setStatus(status).build());
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    Metadata metadata = new Metadata();
    if (!settings.agentToken().isEmpty()) {
      metadata.put(AGENT_TOKEN, settings.agentToken());
    }
    AgentServiceGrpc.AgentServiceStub stub =
        AgentServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    StreamObserver<AgentMessage> stream =
        stub.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(ControlMessage message) {
                loop.execute(() -> handle(message));
              }

              @Override
              public void onError(Throwable error) {
                loop.execute(() -> lost(error.getMessage()));
              }

              @Override
              public void onCompleted() {
                loop.execute(() -> lost("the control plane closed the stream"));
              }
            });
    outbound = stream;
    try {
      stream.onNext(AgentMessage.newBuilder().setHello(hello()).build());
    } catch (IOException | RuntimeException e) {
      lost("cannot build the hello: " + e.getMessage());
      return;
    }
    converger.forgetReports();
    scheduleHeartbeats();
    log.info(
        "event=stream-opened controlPlane="
            + settings.controlPlane()
            + " host="
            + settings.hostId());
  }

  private Hello hello() throws IOException {
    return Hello.newBuilder()
        .setHostId(settings.hostId())
        .setAgentVersion(NodeAgentVersion.VALUE)
        .setCapacity(
            Capacity.newBuilder()
                .setVcpus(settings.vcpus())
                .setMemoryMib(settings.memoryMib())
                .setDiskGib(settings.diskGib()))
        .putAllLabels(settings.labels())
        .setZone(settings.zone())
        .addAllCachedImages(images.cache().contents())
        .addAllInventory(converger.inventory())
        .setHypervisor(hypervisor)
        .setCapabilities(wire(capabilities))
        .setConsolePort(consolePort)
        .build();
  }

  private static io.veneer.agent.v1.DriverCapabilities wire(DriverCapabilities capabilities) {
    var wire =
        io.veneer.agent.v1.DriverCapabilities.newBuilder()
            .setDisplay(capabilities.display())
            .setBalloon(capabilities.balloon())
            .setPersistentUserDisk(capabilities.persistentUserDisk())
            .setReadoption(capabilities.readoption())
            .setSharedRootWithoutKernel(capabilities.sharedRootWithoutKernel());
    for (BootSource.Kind kind : capabilities.bootSources()) {
      wire.addBootModes(
          switch (kind) {
            case DISK_IMAGE -> BootMode.BOOT_MODE_DISK;
            case DIRECT_KERNEL -> BootMode.BOOT_MODE_DIRECT_KERNEL;
            case SHARED_ROOT -> BootMode.BOOT_MODE_SHARED_ROOT;
          });
    }
    for (GuestSpec.Machine machine : capabilities.machines()) {
      wire.addMachines(
          switch (machine) {
            case Q35 -> MachineType.MACHINE_TYPE_Q35;
            case MICROVM -> MachineType.MACHINE_TYPE_MICROVM;
          });
    }
    for (GuestSpec.Firmware firmware : capabilities.firmwares()) {
      wire.addFirmwares(
          switch (firmware) {
            case BIOS -> Firmware.FIRMWARE_BIOS;
            case UEFI -> Firmware.FIRMWARE_UEFI;
          });
    }
    return wire.build();
  }

  private void handle(ControlMessage message) {
    switch (message.getKindCase()) {
      case DESIRED_SET -> {
        converger.applyDesiredSet(message.getDesiredSet().getDesktopsList());
        int interval = message.getDesiredSet().getHeartbeatIntervalSeconds();
        if (interval > 0 && interval != heartbeatInterval.toSeconds()) {
          heartbeatInterval = Duration.ofSeconds(interval);
          scheduleHeartbeats();
        }
      }
      case UPSERT -> converger.upsert(message.getUpsert());
      case REMOVAL -> converger.remove(message.getRemoval());
      case PREFETCH -> prefetch(message.getPrefetch().getImagesList());
      case HOST_ORDER ->
          log.info(
              "event=host-order kind="
                  + message.getHostOrder().getKind()
                  + " reason=\""
                  + message.getHostOrder().getReason()
                  + "\"");
      case CONSOLE_GRANT_KEYS -> grantKeys.accept(message.getConsoleGrantKeys());
      case KIND_NOT_SET -> log.warning("event=empty-control-message");
    }
    // Only an answer proves the stream works (a refused token fails after it opened), so only an
    // answer starts the backoff over.
    failures = 0;
    vitals.answered();
    converger.convergeOnce();
  }

  /** Starts fetching in the background; each blob is reported when it lands in the cache. */
  private void prefetch(List<BlobRef> blobs) {
    for (BlobRef blob : blobs) {
      images.request(blob, Optional.empty());
    }
  }

  /** Tells the control plane a blob is now cached here (the scheduler prefers such hosts). */
  public void imageCached(CachedImage image) {
    report(ImageCacheChange.newBuilder().addAdded(image).build());
  }

  /** Tells the control plane blobs were evicted from this host's cache. */
  public void imagesEvicted(List<String> digests) {
    report(ImageCacheChange.newBuilder().addAllRemovedDigests(digests).build());
  }

  private void report(ImageCacheChange change) {
    if (outbound != null) {
      outbound.onNext(AgentMessage.newBuilder().setImageCacheChange(change).build());
    }
  }

  private void scheduleHeartbeats() {
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    long millis = heartbeatInterval.toMillis();
    heartbeats = loop.scheduleAtFixedRate(this::heartbeat, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void heartbeat() {
    if (outbound == null) {
      return;
    }
    Instant now = Instant.now();
    Heartbeat.Builder heartbeat =
        Heartbeat.newBuilder()
            .setSentAt(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .setRunningDesktops(converger.runningDesktops());
    guestsMemory
        .get()
        .ifPresent(
            guests ->
                heartbeat
                    .setMemoryInUseMib(guests.inUseMib())
                    .setMemoryOfGuestsMib(guests.givenMib()));
    outbound.onNext(AgentMessage.newBuilder().setHeartbeat(heartbeat).build());
    vitals.heartbeatSent();
  }

  private void lost(String reason) {
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    outbound = null;
    vitals.streamLost();
    if (closed) {
      return;
    }
    failures++;
    long delay =
        ReconnectBackoff.STANDARD
            .delay(failures, ThreadLocalRandom.current().nextDouble())
            .toMillis();
    log.warning(
        "event=stream-lost reason=\"" + reason + "\" retryInMs=" + delay + " failures=" + failures);
    loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  public void close() {
    closed = true;
    loop.execute(
        () -> {
          if (outbound != null) {
            outbound.onCompleted();
            outbound = null;
          }
        });
  }
}
