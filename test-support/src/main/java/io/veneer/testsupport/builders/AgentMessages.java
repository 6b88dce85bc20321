package io.veneer.testsupport.builders;

import com.google.protobuf.Timestamp;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import java.time.Instant;

/**
 * Builders of the agent contract's messages with sensible defaults, so a test states only what it
 * is about: {@code AgentMessages.hello("host-1").setZone("zone-b").build()}.
 */
public final class AgentMessages {

  /** A digest that looks like a real one; tests that fetch blobs use real digests instead. */
  public static final String GOLDEN_DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  private AgentMessages() {}

  /** A host with 16 vCPU, 64 GiB and 1 TiB, in zone-a, on the simulated hypervisor. */
  public static Hello.Builder hello(String hostId) {
    return Hello.newBuilder()
        .setHostId(hostId)
        .setAgentVersion("test")
        .setCapacity(capacity(16, 64 * 1024, 1024))
        .setZone("zone-a")
        .setHypervisor("simulated");
  }

  public static Capacity capacity(int vcpus, long memoryMib, long diskGib) {
    return Capacity.newBuilder()
        .setVcpus(vcpus)
        .setMemoryMib(memoryMib)
        .setDiskGib(diskGib)
        .build();
  }

  /** A running, non-persistent 2 vCPU / 2 GiB / 20 GiB desktop at spec generation 1. */
  public static DesiredDesktop.Builder desiredDesktop(String desktopId) {
    return DesiredDesktop.newBuilder()
        .setDesktopId(desktopId)
        .setSpecGeneration(1)
        .setPoolId("pool-1")
        .setGoldenImage(
            BlobRef.newBuilder()
                .setDigest(GOLDEN_DIGEST)
                .setFetchUrl("http://127.0.0.1:1/blobs/" + GOLDEN_DIGEST)
                .setSizeBytes(64L << 20))
        .setSize(capacity(2, 2048, 20))
        .setHardware(
            HardwareProfile.newBuilder()
                .setMachine(MachineType.MACHINE_TYPE_Q35)
                .setBootMode(BootMode.BOOT_MODE_DISK))
        .setPowerState(PowerState.POWER_STATE_RUNNING)
        .setOsDiskGeneration(1);
  }

  /** What an agent reports for a desktop in the given state, on its first OS disk. */
  public static DesktopStatus.Builder status(
      String desktopId, long specGeneration, ObservedState state) {
    Instant now = Instant.now();
    return DesktopStatus.newBuilder()
        .setDesktopId(desktopId)
        .setSpecGeneration(specGeneration)
        .setOsDiskGeneration(1)
        .setState(state)
        .setObservedAt(
            Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
  }
}
