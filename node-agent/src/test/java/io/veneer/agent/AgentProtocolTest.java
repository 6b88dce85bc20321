package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.ImageCacheChange;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against the real contract, with the simulated driver: sync, deltas, reconnects. */
class AgentProtocolTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path data;
  private FakeControlPlane controlPlane;
  private NodeAgent agent;
  private SimulatedHypervisor hypervisor;
  private Desktops desktops;
  private BlobServer imageService;

  @BeforeEach
  void start() throws Exception {
    controlPlane = new FakeControlPlane();
    imageService = new BlobServer();
    Map<String, String> env = new HashMap<>();
    env.putAll(controlPlane.dialSettings());
    env.put("VENEER_HOST_ID", "host-7");
    env.put("VENEER_AGENT_TOKEN", "secret-7");
    env.put("VENEER_DATA_DIR", data.toString());
    env.put("VENEER_DRIVER", "simulated");
    env.put("VENEER_VCPUS", "32");
    env.put("VENEER_MEMORY_MIB", "131072");
    env.put("VENEER_LABELS", "gpu=true,rack=r1");
    env.put("VENEER_ZONE", "zone-b");
    env.put("VENEER_IMAGE_SERVICE", imageService.url());
    env.put("VENEER_IMAGE_SERVICE_TOKEN", "images-7");
    AgentSettings settings = AgentSettings.fromEnvironment(env);
    hypervisor =
        new SimulatedHypervisor(Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(20));
    agent = new NodeAgent(settings, hypervisor);
    desktops = new Desktops(agent.images(), TinyGoldenFiles.fake(data));
    agent.start();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    controlPlane.close();
    imageService.close();
  }

  @Test
  void introducesItselfThenConvergesToTheFullDesiredSetAndItsDeltas() throws Exception {
    Hello hello = controlPlane.awaitHello();
    assertThat(hello.getHostId()).isEqualTo("host-7");
    assertThat(hello.getHypervisor()).isEqualTo("simulated");
    assertThat(hello.getCapabilities().getDisplay()).isTrue();
    assertThat(hello.getCapabilities().getFirmwaresList())
        .containsExactlyInAnyOrder(Firmware.FIRMWARE_BIOS, Firmware.FIRMWARE_UEFI);
    assertThat(hello.getCapabilities().getBootModesList())
        .containsExactlyInAnyOrder(
            BootMode.BOOT_MODE_DISK,
            BootMode.BOOT_MODE_DIRECT_KERNEL,
            BootMode.BOOT_MODE_SHARED_ROOT);
    assertThat(hello.getCapabilities().getSharedRootWithoutKernel()).isTrue();
    assertThat(hello.getCapacity().getVcpus()).isEqualTo(32);
    assertThat(hello.getCapacity().getMemoryMib()).isEqualTo(131072);
    assertThat(hello.getLabelsMap()).containsEntry("gpu", "true").containsEntry("rack", "r1");
    assertThat(hello.getZone()).isEqualTo("zone-b");
    assertThat(hello.getCachedImagesList()).hasSize(3);
    assertThat(controlPlane.tokens).contains("secret-7");

    controlPlane.sendDesiredSet(desktops.running("d1").build(), desktops.running("d2").build());
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("d2", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

    controlPlane.upsert(desktops.running("d3").build());
    controlPlane.awaitStatus("d3", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

    controlPlane.upsert(
        desktops
            .running("d1")
            .setSpecGeneration(2)
            .setPowerState(PowerState.POWER_STATE_STOPPED)
            .build());
    DesktopStatus stopped =
        controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_STOPPED, WAIT);
    assertThat(stopped.getSpecGeneration()).isEqualTo(2);

    controlPlane.remove("d2", 2);
    controlPlane.awaitStatus("d2", ObservedState.OBSERVED_STATE_ABSENT, WAIT);
    assertThat(hypervisor.inventory()).containsExactlyInAnyOrder("d1", "d3");
    controlPlane.await(() -> controlPlane.heartbeats() > 0, "a heartbeat", WAIT);
    assertThat(controlPlane.heartbeatMessages.getFirst().hasMemoryInUseMib())
        .as("the simulated driver cannot see inside its guests, so it claims no memory in use")
        .isFalse();
    assertThat(controlPlane.heartbeatMessages.getFirst().hasMemoryOfGuestsMib()).isFalse();
  }

  @Test
  void logsItsWorkOnADesktopUnderTheTraceOfTheRequestThatAskedForIt() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Logger work = Logger.getLogger("io.veneer.agent.converge.DesktopWork");
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord entry) {
            lines.add(entry.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    work.addHandler(capture);
    try {
      controlPlane.awaitHello();
      controlPlane.sendDesiredSet(
          desktops
              .running("traced")
              .setTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
              .build(),
          desktops.running("forged").setTraceParent("00-x\nevent=desktop-removed").build());
      controlPlane.awaitStatus("traced", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
      controlPlane.awaitStatus("forged", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

      assertThat(lines)
          .contains(
              "event=desktop-starting desktop=traced specGeneration=1"
                  + " trace=4bf92f3577b34da6a3ce929d0e0e4736")
          .as("what is not a trace context is not logged")
          .contains("event=desktop-starting desktop=forged specGeneration=1 trace=-");
    } finally {
      work.removeHandler(capture);
    }
  }

  @Test
  void applyingTheSameDesktopTwiceOrAnOlderGenerationChangesNothing() throws Exception {
    controlPlane.awaitHello();
    DesiredDesktop desktop = desktops.running("d1").setSpecGeneration(5).build();
    controlPlane.sendDesiredSet(desktop);
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    long reportsBefore = reportsFor("d1");

    controlPlane.sendDesiredSet(desktop);
    controlPlane.upsert(desktop);
    controlPlane.upsert(
        desktop.toBuilder()
            .setSpecGeneration(4)
            .setPowerState(PowerState.POWER_STATE_STOPPED)
            .build());
    controlPlane.upsert(desktop);
    // The agent handles messages in order on one thread: once a later desktop runs, every message
    // above has been applied and converged.
    controlPlane.upsert(desktops.running("barrier").build());
    controlPlane.awaitStatus("barrier", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

    assertThat(reportsFor("d1")).as("nothing new to report about d1").isEqualTo(reportsBefore);
    assertThat(hypervisor.observe("d1").state()).isEqualTo(GuestState.RUNNING);
    assertThat(hypervisor.osDiskResets("d1")).isZero();
    assertThat(hypervisor.inventory()).containsExactlyInAnyOrder("d1", "barrier");
  }

  @Test
  void refreshesWhenTheOsDiskGenerationGrows() throws Exception {
    controlPlane.awaitHello();
    controlPlane.sendDesiredSet(desktops.running("d1").build());
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

    controlPlane.upsert(desktops.running("d1").setSpecGeneration(2).setOsDiskGeneration(2).build());

    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("d1")
                && s.getOsDiskGeneration() == 2
                && s.getState() == ObservedState.OBSERVED_STATE_RUNNING,
        "d1 refreshed and running",
        WAIT);
    assertThat(hypervisor.osDiskResets("d1")).isEqualTo(1);
  }

  @Test
  void reconnectsWithBackoffAfterALostStreamAndConvergesToTheNewFullSet() throws Exception {
    controlPlane.awaitHello();
    controlPlane.sendDesiredSet(desktops.running("d1").build(), desktops.running("d2").build());
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("d2", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    int attemptsBefore = controlPlane.connectionAttempts();

    controlPlane.statuses.clear();
    controlPlane.refuseNextConnections(3);
    controlPlane.dropStream();
    Hello again = controlPlane.awaitHello();

    assertThat(controlPlane.connectionAttempts())
        .as("three refused attempts, then the one that got through")
        .isEqualTo(attemptsBefore + 4);
    assertThat(again.getInventoryList())
        .extracting(DesktopStatus::getDesktopId, DesktopStatus::getState)
        .containsExactlyInAnyOrder(
            tuple("d1", ObservedState.OBSERVED_STATE_RUNNING),
            tuple("d2", ObservedState.OBSERVED_STATE_RUNNING));

    // While the agent was away, d2 was deleted and d3 created: the full set says so.
    controlPlane.sendDesiredSet(desktops.running("d1").build(), desktops.running("d3").build());
    controlPlane.awaitStatus("d2", ObservedState.OBSERVED_STATE_ABSENT, WAIT);
    controlPlane.awaitStatus("d3", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    // d1 never changed, yet a new stream hears every desktop's status again.
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    assertThat(hypervisor.inventory()).containsExactlyInAnyOrder("d1", "d3");
  }

  @Test
  void reportsAFailedStartWithItsReasonAndRetriesOnANewGeneration() throws Exception {
    controlPlane.awaitHello();
    hypervisor.failNextStart("d1", "no room for the guest's memory");
    controlPlane.sendDesiredSet(desktops.running("d1").build());

    DesktopStatus failed =
        controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_FAILED, WAIT);
    assertThat(failed.getFailureReason()).isEqualTo("no room for the guest's memory");

    controlPlane.upsert(desktops.running("d1").setSpecGeneration(2).build());
    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("d1")
                && s.getSpecGeneration() == 2
                && s.getState() == ObservedState.OBSERVED_STATE_RUNNING,
        "d1 running at generation 2",
        WAIT);
  }

  @Test
  void fetchesAMissingGoldenImageInTheBackgroundWhileHeartbeatsGoOn() throws Exception {
    controlPlane.awaitHello();
    byte[] golden = "a golden image the host does not have yet".getBytes(StandardCharsets.UTF_8);
    String digest = "sha256:" + ImageCache.sha256(Files.write(data.resolve("new-golden"), golden));
    imageService.requireToken("images-7");
    imageService.serve("/api/v1/blobs/" + digest, golden);
    imageService.next(new BlobServer.Trouble.StallAfter(10, Duration.ofSeconds(6)));

    controlPlane.sendDesiredSet(
        desktops.running("d1").setGoldenImage(BlobRef.newBuilder().setDigest(digest)).build());

    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_PROVISIONING, WAIT);
    int heartbeatsWhileFetching = controlPlane.heartbeats();
    controlPlane.await(
        () -> controlPlane.heartbeats() >= heartbeatsWhileFetching + 2,
        "heartbeats while the image service stalls",
        WAIT);
    assertThat(agent.images().contents()).noneMatch(c -> c.getDigest().equals(digest));
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    assertThat(controlPlane.imageChanges)
        .flatExtracting(ImageCacheChange::getAddedList)
        .extracting(CachedImage::getDigest)
        .contains(digest);
  }

  @Test
  void prefetchesImagesOnRequestAndReportsThemCached() throws Exception {
    controlPlane.awaitHello();
    byte[] golden = "the next golden version".getBytes(StandardCharsets.UTF_8);
    String digest = "sha256:" + ImageCache.sha256(Files.write(data.resolve("next"), golden));
    imageService.serve("/api/v1/blobs/" + digest, golden);

    controlPlane.prefetch(BlobRef.newBuilder().setDigest(digest).build());

    awaitImageChange(digest);
    assertThat(agent.images().contents()).anyMatch(c -> c.getDigest().equals(digest));
    assertThat(imageService.requests)
        .singleElement()
        .extracting(BlobServer.Request::authorization)
        .isEqualTo("Bearer images-7");
  }

  private long reportsFor(String desktopId) {
    return controlPlane.statuses.stream().filter(s -> s.getDesktopId().equals(desktopId)).count();
  }

  private void awaitImageChange(String digest) throws InterruptedException {
    controlPlane.await(
        () ->
            controlPlane.imageChanges.stream()
                .flatMap(c -> c.getAddedList().stream())
                .anyMatch(c -> c.getDigest().equals(digest)),
        "an image cache change adding " + digest,
        WAIT);
  }
}
