package io.veneer.controlplane.agents;

import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.DirectKernelBoot;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import io.veneer.agent.v1.UserDataDisk;
import io.veneer.controlplane.console.ConsoleEndpoints;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.Observations;
import io.veneer.controlplane.desktops.Observations.Observation;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.hosts.HostImages;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.DirectKernel;
import io.veneer.controlplane.pools.GuestHardware;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.userdata.UserDataDisks;
import io.veneer.outbox.OutboxEvent;
import io.veneer.scheduler.cluster.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Turns what an agent says into desired and observed state, and the desired set it receives. */
@Service
public class AgentReports {

  private static final Logger log = LoggerFactory.getLogger(AgentReports.class);

  private final HostService hostService;
  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final DesktopEvents events;
  private final Observations observations;

  private final HostImages hostImages;
  private final ConsoleEndpoints consoles;
  private final UserDataDisks userData;

  AgentReports(
      Observations observations,
      HostService hostService,
      DesktopRepository desktops,
      PoolRepository pools,
      DesktopEvents events,
      HostImages hostImages,
      ConsoleEndpoints consoles,
      UserDataDisks userData) {
    this.userData = userData;
    this.consoles = consoles;
    this.events = events;
    this.hostImages = hostImages;
    this.observations = observations;
    this.hostService = hostService;
    this.desktops = desktops;
    this.pools = pools;
  }

  /**
   * Records the agent's identity, capacity and cached images, and the address its authenticated
   * stream came from ({@code address}, null when unknown); returns its full desired set.
   */
  @Transactional
  public DesiredSet hello(Hello hello, String address, int heartbeatIntervalSeconds) {
    Capacity capacity = hello.getCapacity();
    hostService.hello(
        new HostRegistration(
            hello.getHostId(),
            new Resources(capacity.getVcpus(), capacity.getMemoryMib(), capacity.getDiskGib()),
            hello.getLabelsMap(),
            hello.getZone()));
    consoles.hostAt(hello.getHostId(), address, hello.getConsolePort());
    hostImages.replace(
        hello.getHostId(),
        hello.getCachedImagesList().stream().map(CachedImage::getDigest).toList());
    Set<String> held = new HashSet<>();
    List<OutboxEvent> changes = new ArrayList<>();
    for (DesktopStatus status : hello.getInventoryList()) {
      held.add(status.getDesktopId());
      apply(hello.getHostId(), status, changes);
    }
    events.publish(changes);
    reconcileInventory(hello.getHostId(), held);
    return DesiredSet.newBuilder()
        .addAllDesktops(desiredFor(hello.getHostId()))
        .setHeartbeatIntervalSeconds(heartbeatIntervalSeconds)
        .build();
  }

  @Transactional(readOnly = true)
  public List<DesiredDesktop> desiredFor(String hostId) {
    return desiredFor(List.of(hostId)).getOrDefault(hostId, List.of());
  }

  /** The desired desktops of each of {@code hostIds} that has any, read in one query. */
  @Transactional(readOnly = true)
  public Map<String, List<DesiredDesktop>> desiredFor(Collection<String> hostIds) {
    if (hostIds.isEmpty()) {
      return Map.of();
    }
    // One its host came back without waits for its rebuild: sent now, it would be built twice.
    return desktops.findPlacedOnAny(hostIds).stream()
        .filter(Desktop::live)
        .filter(desktop -> !desktop.awaitingRebuild())
        .collect(
            Collectors.groupingBy(
                desktop -> desktop.hostId().orElseThrow(),
                Collectors.mapping(this::desired, Collectors.toList())));
  }

  public void heartbeat(String hostId, Heartbeat heartbeat) {
    hostService.heartbeat(
        hostId,
        Instant.now(),
        heartbeat.hasMemoryInUseMib() ? heartbeat.getMemoryInUseMib() : null,
        heartbeat.hasMemoryOfGuestsMib() ? heartbeat.getMemoryOfGuestsMib() : null);
  }

  /**
   * What the control plane believes is on the host but the agent does not hold is missing from it
   * ({@link Observations#missingFrom}). Desktops the agent holds but should not are orphans: they
   * are not in its desired set, so the agent removes them.
   */
  private void reconcileInventory(String hostId, Set<String> held) {
    for (Desktop desktop : desktops.findPlacedOn(hostId)) {
      if (!held.contains(desktop.id().toString())) {
        observations.missingFrom(hostId, desktop);
        events.publishTransitions(desktop, "agent:" + hostId);
      }
    }
  }

  /**
   * Applies the status reports that arrived together from {@code hostId}'s agent, in order, in one
   * transaction, their events appended together. Returns the desktops of those not desired on that
   * host, which changed nothing.
   */
  @Transactional
  public List<String> reportAll(String hostId, List<DesktopStatus> statuses) {
    List<String> foreign = new ArrayList<>();
    List<OutboxEvent> changes = new ArrayList<>();
    // One query loads the batch's desktops into this transaction; each report then finds its own
    // there rather than with a query of its own.
    desktops.findAllById(
        statuses.stream()
            .map(DesktopStatus::getDesktopId)
            .flatMap(id -> parse(id).stream())
            .toList());
    for (DesktopStatus status : statuses) {
      if (!apply(hostId, status, changes)) {
        foreign.add(status.getDesktopId());
      }
    }
    events.publish(changes);
    return foreign;
  }

  /**
   * Applies one observed status of a desktop on {@code hostId}, adding the events of what it
   * changed to {@code changes}. Returns false, changing nothing, when the desktop is not desired on
   * that host: an agent reports only for its own host.
   */
  private boolean apply(String hostId, DesktopStatus status, List<OutboxEvent> changes) {
    Optional<Desktop> found = parse(status.getDesktopId()).flatMap(desktops::findById);
    if (found.isEmpty() || !found.get().hostId().map(hostId::equals).orElse(false)) {
      log.warn("event=agent.foreign-report host={} desktop={}", hostId, status.getDesktopId());
      return false;
    }
    observation(status).ifPresent(seen -> observations.apply(hostId, found.get(), seen));
    if (status.hasConsole() && status.getState() == ObservedState.OBSERVED_STATE_RUNNING) {
      consoles.reported(found.get().id(), status.getConsole());
    }
    changes.addAll(events.transitionsOf(found.get(), "agent:" + hostId));
    return true;
  }

  /** The report in the desktops' terms; empty for a state this control plane does not know. */
  private static Optional<Observation> observation(DesktopStatus status) {
    if (status.getState() == ObservedState.OBSERVED_STATE_UNSPECIFIED
        || status.getState() == ObservedState.UNRECOGNIZED) {
      return Optional.empty();
    }
    return Optional.of(
        new Observation(
            phase(status.getState()), status.getOsDiskGeneration(), status.getFailureReason()));
  }

  /** The phase an agent saw; empty when the desktop is absent from its host. */
  private static Optional<DesktopState> phase(ObservedState state) {
    return switch (state) {
      case OBSERVED_STATE_PROVISIONING -> Optional.of(DesktopState.PROVISIONING);
      case OBSERVED_STATE_STARTING -> Optional.of(DesktopState.STARTING);
      case OBSERVED_STATE_RUNNING -> Optional.of(DesktopState.RUNNING);
      case OBSERVED_STATE_STOPPING -> Optional.of(DesktopState.STOPPING);
      case OBSERVED_STATE_STOPPED -> Optional.of(DesktopState.STOPPED);
      case OBSERVED_STATE_REFRESHING -> Optional.of(DesktopState.REFRESHING);
      case OBSERVED_STATE_FAILED -> Optional.of(DesktopState.FAILED);
      case OBSERVED_STATE_DELETING -> Optional.of(DesktopState.DELETING);
      case OBSERVED_STATE_ABSENT, OBSERVED_STATE_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
    };
  }

  private DesiredDesktop desired(Desktop desktop) {
    Pool pool = pools.findById(desktop.poolId()).orElseThrow();
    PoolSpec spec = pool.spec();
    DesiredDesktop.Builder desired = DesiredDesktop.newBuilder();
    desktop.traceParent().ifPresent(trace -> desired.setTraceParent(trace.toString()));
    userDataDisk(desktop).ifPresent(desired::setUserDataDisk);
    return desired
        .setDesktopId(desktop.id().toString())
        .setSpecGeneration(desktop.specGeneration())
        .setOsDiskGeneration(desktop.osDiskGeneration())
        .setPoolId(pool.id().toString())
        .setGoldenImage(BlobRef.newBuilder().setDigest(spec.goldenDigest()))
        .setSize(
            Capacity.newBuilder()
                .setVcpus((int) spec.size().vcpus())
                .setMemoryMib(spec.size().memoryMib())
                .setDiskGib(spec.size().diskGib()))
        .setPowerState(
            desktop.desiredPower() == io.veneer.controlplane.desktops.PowerState.ON
                ? PowerState.POWER_STATE_RUNNING
                : PowerState.POWER_STATE_STOPPED)
        .setPersistent(pool.kind() == PoolKind.DEDICATED)
        .setHardware(hardware(spec.hardware(), pool.directKernel()))
        .build();
  }

  /**
   * The user-data disk the desktop's agent attaches: its holder's, when it lives on the desktop's
   * host (or nowhere yet, when this agent makes it). One elsewhere is not sent: disks do not move
   * between hosts yet, and an agent must never make a second, empty disk of the same id.
   */
  private Optional<UserDataDisk> userDataDisk(Desktop desktop) {
    return desktop
        .userDataDiskId()
        .flatMap(userData::find)
        .filter(disk -> desktop.hostId().map(disk::reachableFrom).orElse(false))
        .map(
            disk ->
                UserDataDisk.newBuilder()
                    .setDiskId(disk.id().toString())
                    .setSizeGib(disk.sizeGib())
                    .build());
  }

  /**
   * The pool's hardware as agents take it, with the golden version's kernel, initrd and command
   * line when the pool boots kernels directly (agents fetch them by digest, like the golden image).
   */
  private static HardwareProfile hardware(GuestHardware hardware, DirectKernel kernel) {
    HardwareProfile.Builder profile = HardwareProfile.newBuilder();
    if (hardware.bootMode().equals("direct-kernel")) {
      DirectKernelBoot.Builder direct =
          DirectKernelBoot.newBuilder()
              .setKernel(BlobRef.newBuilder().setDigest(kernel.kernelDigest()))
              .setCmdline(kernel.cmdline());
      if (!kernel.initrdDigest().isEmpty()) {
        direct.setInitrd(BlobRef.newBuilder().setDigest(kernel.initrdDigest()));
      }
      profile.setBootMode(BootMode.BOOT_MODE_DIRECT_KERNEL).setDirectKernel(direct);
    } else if (hardware.bootMode().equals("shared-root")) {
      // The golden digest then names a root-filesystem tar (checked when the pool was resolved).
      profile.setBootMode(BootMode.BOOT_MODE_SHARED_ROOT);
    } else {
      profile.setBootMode(BootMode.BOOT_MODE_DISK);
    }
    return profile
        .setMachine(
            switch (hardware.machine()) {
              case "q35" -> MachineType.MACHINE_TYPE_Q35;
              case "microvm" -> MachineType.MACHINE_TYPE_MICROVM;
              default -> throw new IllegalStateException("machine " + hardware.machine());
            })
        .setFirmware(
            switch (hardware.firmware()) {
              case "bios" -> Firmware.FIRMWARE_BIOS;
              case "uefi" -> Firmware.FIRMWARE_UEFI;
              default -> throw new IllegalStateException("firmware " + hardware.firmware());
            })
        .setDisplay(hardware.display())
        .build();
  }

  private static Optional<UUID> parse(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
