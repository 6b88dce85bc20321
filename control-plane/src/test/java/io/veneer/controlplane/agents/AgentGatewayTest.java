package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.agent.v1.ControlMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DriverCapabilities;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.api.console.PemKeys;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.GuestHardware;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The agent gateway, with agents played by in-test gRPC clients on the real contract. */
class AgentGatewayTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller alice = Caller.user("alice-" + run);
  private DesktopView desktop;

  @BeforeEach
  void aDesktopPlacedOnSomeHost() {
    hosts.register(
        new HostRegistration("agent-host-" + run, new Resources(16, 65_536, 1_024), Map.of(), ""));
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "agents-" + run,
                    PoolKind.POOLED,
                    "win11",
                    "v1",
                    AgentMessages.GOLDEN_DIGEST,
                    new Resources(2, 2048, 20),
                    0,
                    10,
                    0,
                    1,
                    Set.of(alice.subject()),
                    Set.of()),
                null)
            .id();
    desktop = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    assertThat(desktop.hostId()).isNotNull();
  }

  private static AgentMessage hello(String hostId) {
    return AgentMessage.newBuilder().setHello(AgentMessages.hello(hostId)).build();
  }

  @Test
  void anAgentReceivesItsDesiredSetAndItsReportsMoveTheDesktopToRunning() throws Exception {
    String host = desktop.hostId();
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(hello(host));

      ControlMessage first = agent.next();
      assertThat(first.hasDesiredSet()).isTrue();
      DesiredDesktop desired =
          first.getDesiredSet().getDesktopsList().stream()
              .filter(d -> d.getDesktopId().equals(desktop.id().toString()))
              .findFirst()
              .orElseThrow();
      assertThat(desired.getSpecGeneration()).isEqualTo(desktop.specGeneration());
      assertThat(desired.getPersistent()).isFalse();
      assertThat(desired.getGoldenImage().getDigest()).isEqualTo(AgentMessages.GOLDEN_DIGEST);
      assertThat(desired.getHardware())
          .as("a pool that names no hardware")
          .isEqualTo(
              HardwareProfile.newBuilder()
                  .setMachine(MachineType.MACHINE_TYPE_Q35)
                  .setFirmware(Firmware.FIRMWARE_BIOS)
                  .setBootMode(BootMode.BOOT_MODE_DISK)
                  .setDisplay(false)
                  .build());

      agent.send(
          AgentMessage.newBuilder()
              .setStatus(
                  AgentMessages.status(
                      desktop.id().toString(),
                      desired.getSpecGeneration(),
                      ObservedState.OBSERVED_STATE_RUNNING))
              .build());
      agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());

      awaitState(DesktopState.RUNNING);
    }
  }

  @Test
  void aDesktopOfAPoolWithADisplayReachesItsAgentAsAQ35GuestWithADisplay() throws Exception {
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "display-" + run,
                    PoolKind.DEDICATED,
                    "win11",
                    "v1",
                    AgentMessages.GOLDEN_DIGEST,
                    new Resources(2, 2048, 20),
                    0,
                    10,
                    0,
                    1,
                    Set.of(alice.subject()),
                    Set.of(),
                    new GuestHardware(null, "uefi", null, true)),
                null)
            .id();
    // Only a host whose driver reported a display and UEFI takes it: one here (or another test's).
    String host = "display-host-" + run;
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(helloWithDisplayAndUefi(host));
      agent.next();
    }
    DesktopView withDisplay =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    assertThat(withDisplay.hostId()).as(withDisplay.failureReason()).isNotNull();

    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(withDisplay.hostId()))) {
      agent.send(helloWithDisplayAndUefi(withDisplay.hostId()));

      DesiredDesktop desired =
          agent.next().getDesiredSet().getDesktopsList().stream()
              .filter(d -> d.getDesktopId().equals(withDisplay.id().toString()))
              .findFirst()
              .orElseThrow();
      assertThat(desired.getHardware().getDisplay()).isTrue();
      assertThat(desired.getHardware().getMachine()).isEqualTo(MachineType.MACHINE_TYPE_Q35);
      assertThat(desired.getHardware().getFirmware()).isEqualTo(Firmware.FIRMWARE_UEFI);
      assertThat(desired.getHardware().getBootMode()).isEqualTo(BootMode.BOOT_MODE_DISK);
    }
  }

  @Test
  void aDirectKernelPoolHandsItsVersionsKernelToAgentsAndARollHandsTheNewOne() throws Exception {
    HardwareDefaults direct =
        HardwareDefaults.newBuilder()
            .setBootMode("direct-kernel")
            .setKernelCmdline("quiet")
            .build();
    String kernel1 = "sha256:" + "1".repeat(64);
    String initrd1 = "sha256:" + "2".repeat(64);
    String kernel2 = "sha256:" + "3".repeat(64);
    String first =
        GOLDEN_IMAGES.version(
            "direct-" + run,
            AgentMessages.GOLDEN_DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            direct,
            kernel1,
            initrd1);
    String second =
        GOLDEN_IMAGES.version(
            "direct-" + run,
            AgentMessages.GOLDEN_DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            direct,
            kernel2,
            "");
    PoolSpec spec =
        new PoolSpec(
            "direct-" + run,
            PoolKind.DEDICATED,
            "",
            first,
            "",
            new Resources(1, 512, 10),
            0,
            10,
            0,
            1,
            Set.of(alice.subject()),
            Set.of());
    UUID pool = pools.create(Caller.admin("admin"), spec, null).id();
    String host = "direct-host-" + run;
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(helloBootingKernels(host));
      agent.next();
    }
    DesktopView booted = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    assertThat(booted.hostId()).as(booted.failureReason()).isNotNull();

    HardwareProfile handed = hardwareHandedTo(booted);
    assertThat(handed.getBootMode()).isEqualTo(BootMode.BOOT_MODE_DIRECT_KERNEL);
    assertThat(handed.getDirectKernel().getKernel().getDigest()).isEqualTo(kernel1);
    assertThat(handed.getDirectKernel().getInitrd().getDigest()).isEqualTo(initrd1);
    assertThat(handed.getDirectKernel().getCmdline()).isEqualTo("quiet");

    pools.update(Caller.admin("admin"), pool, spec.toBuilder().golden("", second, "").build());

    HardwareProfile rolled = hardwareHandedTo(booted);
    assertThat(rolled.getDirectKernel().getKernel().getDigest()).isEqualTo(kernel2);
    assertThat(rolled.getDirectKernel().hasInitrd()).isFalse();
  }

  @Test
  void aSharedRootPoolIsPlacedOnlyWhereTheDriverAnnouncesItAndHandsItsRootFilesystem()
      throws Exception {
    String rootfsDigest = "sha256:" + "4".repeat(64);
    UUID pool =
        sharedRootPool(
            "shared-" + run,
            GOLDEN_IMAGES.rootFilesystemVersion("rootfs-" + run, rootfsDigest),
            PoolPlacement.ANYWHERE);
    String disksOnly = "disks-only-" + run;
    String containers = "containers-" + run;
    // The host without shared-root has far more room: only the capability keeps desktops off it.
    hosts.register(
        new HostRegistration(disksOnly, new Resources(64, 262_144, 4_096), Map.of(), ""));
    hosts.register(new HostRegistration(containers, new Resources(2, 4_096, 64), Map.of(), ""));
    announce(disksOnly, helloBootingKernels(disksOnly));
    announce(containers, helloSharingRoots(containers, true));

    DesktopView placed = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);

    assertThat(placed.hostId()).as(placed.failureReason()).isEqualTo(containers);
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(containers))) {
      agent.send(helloSharingRoots(containers, true));
      DesiredDesktop desired =
          agent.next().getDesiredSet().getDesktopsList().stream()
              .filter(d -> d.getDesktopId().equals(placed.id().toString()))
              .findFirst()
              .orElseThrow();
      assertThat(desired.getHardware().getBootMode()).isEqualTo(BootMode.BOOT_MODE_SHARED_ROOT);
      assertThat(desired.getGoldenImage().getDigest()).isEqualTo(rootfsDigest);
    }
  }

  @Test
  void aRootTreeWithoutItsOwnKernelIsNeverPlacedWhereSharedRootGuestsBootTheTreesKernel()
      throws Exception {
    String vms = "shared-root-vms-" + run;
    // Both pools may only go to this host (its label): other tests' hosts stay out of the way.
    hosts.register(
        new HostRegistration(vms, new Resources(64, 262_144, 4_096), Map.of("run", run), ""));
    announce(vms, helloSharingRoots(vms, false));
    PoolPlacement onlyThere = new PoolPlacement(Map.of("run", run), "");
    UUID withoutKernel =
        sharedRootPool(
            "no-kernel-" + run,
            GOLDEN_IMAGES.rootFilesystemVersion("no-kernel-" + run, "sha256:" + "5".repeat(64)),
            onlyThere);
    UUID withKernel =
        sharedRootPool(
            "own-kernel-" + run,
            GOLDEN_IMAGES.rootFilesystemVersion(
                "own-kernel-" + run, "sha256:" + "6".repeat(64), true),
            onlyThere);

    DesktopView refused =
        desktops.create(alice, new DesktopService.CreateDesktop(withoutKernel, null), null);
    DesktopView placed =
        desktops.create(alice, new DesktopService.CreateDesktop(withKernel, null), null);

    assertThat(refused.hostId()).isNull();
    assertThat(refused.failureReason()).contains("driver lacks shared-root:tree-without-kernel");
    assertThat(placed.hostId()).as(placed.failureReason()).isEqualTo(vms);
  }

  private UUID sharedRootPool(String name, String rootfsVersion, PoolPlacement placement) {
    PoolSpec spec =
        new PoolSpec(
            name,
            PoolKind.POOLED,
            "",
            rootfsVersion,
            "",
            new Resources(1, 256, 1),
            0,
            10,
            0,
            1,
            Set.of(alice.subject()),
            Set.of());
    return pools
        .create(Caller.admin("admin"), spec.toBuilder().placement(placement).build(), null)
        .id();
  }

  private void announce(String hostId, AgentMessage hello) throws Exception {
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(hostId))) {
      agent.send(hello);
      agent.next();
    }
  }

  /**
   * A host whose driver boots shared-root desktops, of any tree or only of a kernel-bearing one.
   */
  private static AgentMessage helloSharingRoots(String hostId, boolean treesWithoutKernel) {
    return AgentMessage.newBuilder()
        .setHello(
            AgentMessages.hello(hostId)
                .setCapabilities(
                    DriverCapabilities.newBuilder()
                        .addBootModes(BootMode.BOOT_MODE_SHARED_ROOT)
                        .addMachines(MachineType.MACHINE_TYPE_Q35)
                        .addFirmwares(Firmware.FIRMWARE_BIOS)
                        .setSharedRootWithoutKernel(treesWithoutKernel)))
        .build();
  }

  private HardwareProfile hardwareHandedTo(DesktopView placed) throws Exception {
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(placed.hostId()))) {
      agent.send(helloBootingKernels(placed.hostId()));
      return agent.next().getDesiredSet().getDesktopsList().stream()
          .filter(d -> d.getDesktopId().equals(placed.id().toString()))
          .findFirst()
          .orElseThrow()
          .getHardware();
    }
  }

  private static AgentMessage helloBootingKernels(String hostId) {
    return AgentMessage.newBuilder()
        .setHello(
            AgentMessages.hello(hostId)
                .setCapabilities(
                    DriverCapabilities.newBuilder()
                        .addBootModes(BootMode.BOOT_MODE_DISK)
                        .addBootModes(BootMode.BOOT_MODE_DIRECT_KERNEL)
                        .addMachines(MachineType.MACHINE_TYPE_Q35)
                        .addFirmwares(Firmware.FIRMWARE_BIOS)))
        .build();
  }

  @Test
  void everyStreamIsSentThePublicHalfOfTheConsoleGrantKeyAfterItsDesiredSet() throws Exception {
    String host = desktop.hostId();
    String token = credentials.issue(host);
    ConsoleGrantKeys grantKey =
        ConsoleGrantKeys.newBuilder()
            .addEd25519PublicKeys(
                ByteString.copyFrom(
                    PemKeys.ed25519PublicKey(TestTls.CA.consoleGrantPublicKey()).getEncoded()))
            .build();
    try (TestAgent agent = new TestAgent(server.port(), token)) {
      agent.send(hello(host));

      assertThat(agent.next().hasDesiredSet()).isTrue();
      assertThat(agent.nextGrantKeys()).isEqualTo(grantKey);
    }
    try (TestAgent reconnected = new TestAgent(server.port(), token)) {
      reconnected.send(hello(host));

      assertThat(reconnected.next().hasDesiredSet()).isTrue();
      assertThat(reconnected.nextGrantKeys()).as("again on the new stream").isEqualTo(grantKey);
    }
  }

  @Test
  void aPooledDesktopThatStopsIsRefreshedAndTheAgentGetsANewOsDisk() throws Exception {
    String host = desktop.hostId();
    String token = credentials.issue(host);
    try (TestAgent agent = new TestAgent(server.port(), token)) {
      agent.send(hello(host));
      long generation = desiredOf(agent.next()).getSpecGeneration();
      agent.send(status(generation, ObservedState.OBSERVED_STATE_RUNNING));
      awaitState(DesktopState.RUNNING);

      // The user logs off: the guest stops and the agent says so; the pool controller refreshes.
      agent.send(status(generation, ObservedState.OBSERVED_STATE_STOPPED));
      awaitState(DesktopState.STOPPED);
      awaitOsDisk(2);
    }

    try (TestAgent reconnected = new TestAgent(server.port(), token)) {
      // It still holds the stopped guest and its old overlay.
      reconnected.send(
          AgentMessage.newBuilder()
              .setHello(
                  AgentMessages.hello(host)
                      .addInventory(
                          AgentMessages.status(
                              desktop.id().toString(),
                              desktop.specGeneration(),
                              ObservedState.OBSERVED_STATE_STOPPED)))
              .build());
      DesiredDesktop desired = desiredOf(reconnected.next());
      assertThat(desired.getOsDiskGeneration()).isEqualTo(2);
      assertThat(desired.getSpecGeneration()).isGreaterThan(desktop.specGeneration());
    }
  }

  private static AgentMessage helloWithDisplayAndUefi(String hostId) {
    return AgentMessage.newBuilder()
        .setHello(
            AgentMessages.hello(hostId)
                .setCapabilities(
                    DriverCapabilities.newBuilder()
                        .addBootModes(BootMode.BOOT_MODE_DISK)
                        .addMachines(MachineType.MACHINE_TYPE_Q35)
                        .addFirmwares(Firmware.FIRMWARE_UEFI)
                        .setDisplay(true)))
        .build();
  }

  private DesiredDesktop desiredOf(ControlMessage message) {
    return message.getDesiredSet().getDesktopsList().stream()
        .filter(d -> d.getDesktopId().equals(desktop.id().toString()))
        .findFirst()
        .orElseThrow();
  }

  private AgentMessage status(long generation, ObservedState state) {
    return AgentMessage.newBuilder()
        .setStatus(AgentMessages.status(desktop.id().toString(), generation, state))
        .build();
  }

  @Test
  void anAgentThatSaysHelloForAnotherHostIsRefused() throws Exception {
    String token = credentials.issue(desktop.hostId());
    try (TestAgent liar = new TestAgent(server.port(), token)) {
      liar.send(hello("agent-host-" + run + "-not-mine"));

      assertThat(liar.closedWith().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    try (TestAgent noToken = new TestAgent(server.port(), "wrong")) {
      noToken.send(hello(desktop.hostId()));

      assertThat(noToken.closedWith().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void aStreamThatNeverSaysHelloIsClosedAfterTheHelloTimeout() throws Exception {
    try (TestAgent silent = new TestAgent(server.port(), credentials.issue(desktop.hostId()))) {
      Status status = silent.closedWithin(Duration.ofSeconds(30));

      assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(status.getDescription()).contains("the first message must be Hello");
    }
  }

  @Test
  void anAgentThatReportsADesktopOfAnotherHostIsRefused() throws Exception {
    String host = desktop.hostId();
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(hello(host));
      assertThat(agent.next().hasDesiredSet()).isTrue();

      agent.send(
          AgentMessage.newBuilder()
              .setStatus(
                  AgentMessages.status(
                      UUID.randomUUID().toString(), 1, ObservedState.OBSERVED_STATE_RUNNING))
              .build());

      assertThat(agent.closedWith().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void aHeartbeatRecordsWhatTheHostsGuestsUseAndForgetsItWhenTheAgentStopsSaying()
      throws Exception {
    String host = desktop.hostId();
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(hello(host));
      agent.next();

      agent.send(
          AgentMessage.newBuilder()
              .setHeartbeat(Heartbeat.newBuilder().setRunningDesktops(1).setMemoryInUseMib(300))
              .build());
      await(() -> hosts.view(hosts.get(host)).memoryInUseMib(), 300L);

      agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
      await(() -> hosts.view(hosts.get(host)).memoryInUseMib() == null, true);
    }
  }

  private void awaitOsDisk(long expected) throws InterruptedException {
    await(() -> desktops.get(alice, desktop.id()).osDiskGeneration(), expected);
  }

  private void awaitState(DesktopState expected) throws InterruptedException {
    await(() -> desktops.get(alice, desktop.id()).state(), expected);
  }

  private static <T> void await(Supplier<T> actual, T expected) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!expected.equals(actual.get()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    assertThat(actual.get()).isEqualTo(expected);
  }
}
