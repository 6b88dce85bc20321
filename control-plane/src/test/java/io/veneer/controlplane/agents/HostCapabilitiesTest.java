package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.DriverCapabilities;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.MachineType;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.GuestHardware;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Agents report what their hypervisor driver can do, and placement holds hosts to it: a desktop
 * goes only where the driver can run it, and a pool no driver can run is refused, saying which
 * capability is missing.
 */
class HostCapabilitiesTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller alice = Caller.user("alice-" + run);

  @Test
  void aHostWhoseDriverLacksADisplayNeverReceivesADisplayPool() throws Exception {
    String headless = "headless-" + run;
    String withDisplay = "with-display-" + run;
    try (TestAgent first = connect(headless, driver(false));
        TestAgent second = connect(withDisplay, driver(true))) {
      assertThat(capabilitiesOf(headless)).doesNotContain("display").contains("boot:disk");
      assertThat(capabilitiesOf(withDisplay)).contains("display", "boot:disk", "balloon");

      UUID pool = pool("display-" + run, new GuestHardware("q35", "bios", "disk", true));
      for (int i = 0; i < 6; i++) {
        DesktopView desktop =
            desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);

        assertThat(desktop.hostId()).as(desktop.failureReason()).isNotNull().isNotEqualTo(headless);
        assertThat(capabilitiesOf(desktop.hostId()))
            .as("the host of a display desktop reported a display")
            .contains("display");
      }
    }
  }

  @Test
  void aPoolWhoseHardwareNoConnectedDriverSupportsIsRefusedNamingTheCapability() throws Exception {
    try (TestAgent agent = connect("no-microvm-" + run, driver(true))) {
      UUID pool = pool("microvm-" + run, new GuestHardware("microvm", "bios", "disk", false));

      DesktopView desktop =
          desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);

      assertThat(desktop.hostId()).isNull();
      assertThat(desktop.failureReason()).contains("driver lacks machine:microvm");
    }
  }

  @Test
  void aHostWhoseAgentReportsNoCapabilitiesOffersTheBaseline() throws Exception {
    String host = "older-agent-" + run;
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
      agent.next();

      assertThat(capabilitiesOf(host)).as("NULL: read as the baseline").isEmpty();
    }
  }

  /** A driver that does everything but microvm, with or without a display. */
  private static DriverCapabilities driver(boolean display) {
    return DriverCapabilities.newBuilder()
        .addAllBootModes(List.of(BootMode.BOOT_MODE_DISK, BootMode.BOOT_MODE_DIRECT_KERNEL))
        .addMachines(MachineType.MACHINE_TYPE_Q35)
        .addAllFirmwares(List.of(Firmware.FIRMWARE_BIOS, Firmware.FIRMWARE_UEFI))
        .setDisplay(display)
        .setBalloon(true)
        .setPersistentUserDisk(true)
        .setReadoption(true)
        .build();
  }

  private TestAgent connect(String host, DriverCapabilities capabilities) throws Exception {
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    TestAgent agent = new TestAgent(server.port(), credentials.issue(host));
    agent.send(
        AgentMessage.newBuilder()
            .setHello(AgentMessages.hello(host).setCapabilities(capabilities))
            .build());
    assertThat(agent.next().hasDesiredSet()).isTrue();
    return agent;
  }

  private UUID pool(String name, GuestHardware hardware) {
    return pools
        .create(
            Caller.admin("admin"),
            new PoolSpec(
                name,
                PoolKind.DEDICATED,
                "win11",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                10,
                0,
                1,
                Set.of(alice.subject()),
                Set.of(),
                hardware),
            null)
        .id();
  }

  private List<String> capabilitiesOf(String host) {
    return jdbc.queryForList(
        "SELECT unnest(driver_capabilities) FROM host WHERE id = ?", String.class, host);
  }
}
