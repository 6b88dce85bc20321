package io.veneer.controlplane.userdata;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * User-data disks on real PostgreSQL, with agents that do what they are told: one disk per user and
 * pool, attached to whichever desktop of the pool they get, never to two guests at once, and living
 * on the host it was made on.
 */
class UserDataDisksTest {

  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller alice = Caller.user("alice-" + run);
  private final Caller bob = Caller.user("bob-" + run);
  private final String host = "data-host-" + run;

  private DesktopService desktops;
  private PoolService pools;
  private JdbcTemplate jdbc;
  private FollowingAgent agent;
  private UUID pool;

  @BeforeAll
  static void startAControlPlane() {
    KafkaTopics topics = TestKafka.freshTopics(UserDataDisksTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            TestPostgres.freshDatabase(UserDataDisksTest.class),
            topics,
            "veneer.reconciler.interval-millis=200");
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @BeforeEach
  void aPooledPoolWithUserDataDisksOnAHostWithItsAgent() {
    desktops = controlPlane.getBean(DesktopService.class);
    pools = controlPlane.getBean(PoolService.class);
    jdbc = controlPlane.getBean(JdbcTemplate.class);
    HostService hosts = controlPlane.getBean(HostService.class);
    AgentCredentials credentials = controlPlane.getBean(AgentCredentials.class);
    AgentGrpcServer server = controlPlane.getBean(AgentGrpcServer.class);
    hosts.register(
        new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of("run", run), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).beating().connect();
    pool =
        pools
            .create(
                Caller.admin("admin"),
                // Kept on this test's host: earlier tests' hosts stay UP without their agents.
                spec("data-" + run).toBuilder()
                    .placement(new PoolPlacement(Map.of("run", run), "", ""))
                    .userDataDiskGib(5)
                    .build(),
                null)
            .id();
  }

  @AfterEach
  void closeTheAgent() {
    agent.close();
  }

  private PoolSpec spec(String name) {
    return new PoolSpec(
        name,
        PoolKind.POOLED,
        "tiny",
        "v1",
        AgentMessages.GOLDEN_DIGEST,
        new Resources(1, 1024, 10),
        0,
        6,
        2,
        1,
        Set.of(alice.subject(), bob.subject()),
        Set.of());
  }

  @Test
  void aUsersDiskIsAttachedToWhicheverDesktopOfThePoolTheyGetAfterALogoff() throws Exception {
    await(PATIENCE, "two warm spares RUNNING", () -> running() >= 2);
    UUID first = ask(alice);
    await(
        PATIENCE,
        "alice's first desktop has a disk",
        () -> !agent.userDataDiskOf(id(first)).isEmpty());
    String disk = agent.userDataDiskOf(id(first));
    assertThat(diskRow(disk, "size_gib")).isEqualTo("5");
    await(PATIENCE, "the disk recorded on its host", () -> host.equals(diskRow(disk, "host_id")));

    logOff(alice, first);
    await(
        PATIENCE,
        "the first desktop without alice's disk",
        () -> agent.userDataDiskOf(id(first)).isEmpty());
    await(PATIENCE, "the first desktop rebuilt", () -> !refreshing(first));

    UUID second = ask(alice);
    await(
        PATIENCE,
        "alice's next desktop has the same disk",
        () -> disk.equals(agent.userDataDiskOf(id(second))));
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM user_data_disk WHERE pool_id = ? AND owner = ?",
                Long.class,
                pool,
                alice.subject()))
        .as("one disk per user and pool")
        .isEqualTo(1);

    UUID bobs = ask(bob);
    await(PATIENCE, "bob's desktop has a disk", () -> !agent.userDataDiskOf(id(bobs)).isEmpty());
    assertThat(agent.userDataDiskOf(id(bobs))).as("bob's own disk").isNotEqualTo(disk);
  }

  @Test
  void aDiskIsNotAttachedAgainWhileThePreviousDesktopsGuestMayHaveItOpen() throws Exception {
    await(PATIENCE, "two warm spares RUNNING", () -> running() >= 2);
    UUID first = ask(alice);
    await(PATIENCE, "alice's desktop has a disk", () -> !agent.userDataDiskOf(id(first)).isEmpty());
    String disk = agent.userDataDiskOf(id(first));
    // An agent that does not answer: nothing tells the control plane the guest was stopped.
    agent.fallSilent();
    logOff(alice, first);
    long attachedBefore = attachments(disk);

    assertThatThrownBy(() -> ask(alice))
        .isInstanceOf(UserDataDiskBusyException.class)
        .hasMessageContaining("still attached to your previous desktop " + first);
    assertThat(owned(alice)).as("nothing handed out").isZero();
    assertThat(attachments(disk)).as("nothing recorded").isEqualTo(attachedBefore);
  }

  @Test
  void refusesAUserDataDiskSizeOutsideOneTo16TiB() {
    for (long gib : new long[] {-1, PoolSpec.MAX_USER_DATA_DISK_GIB + 1}) {
      assertThatThrownBy(() -> spec("bad-" + run).toBuilder().userDataDiskGib(gib).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("userDataDiskGib: " + gib);
    }
  }

  private UUID ask(Caller caller) {
    return desktops.create(caller, new DesktopService.CreateDesktop(pool, null), null).id();
  }

  private static String id(UUID desktop) {
    return desktop.toString();
  }

  private long running() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE pool_id = ? AND state = 'RUNNING'", Long.class, pool);
  }

  private long owned(Caller caller) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE pool_id = ? AND owner = ?"
            + " AND desktop_live(delete_requested_at, state)",
        Long.class,
        pool,
        caller.subject());
  }

  private boolean refreshing(UUID desktop) {
    return jdbc.queryForObject(
        "SELECT desktop_refreshing(os_disk_generation, seen_os_disk_generation) FROM desktop"
            + " WHERE id = ?",
        Boolean.class,
        desktop);
  }

  private long attachments(String disk) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE user_data_disk_id = ?::uuid", Long.class, disk);
  }

  private String diskRow(String disk, String column) {
    return jdbc.queryForObject(
        "SELECT " + column + "::text FROM user_data_disk WHERE id = ?::uuid", String.class, disk);
  }

  /**
   * Logs the person off, sending the logoff again after a conflict, as a client does with a 409: a
   * running spare handed over reboots to take its disk, and the pool controller's step of that
   * reboot may write the desktop's spec at the same moment.
   */
  private void logOff(Caller person, UUID desktop) throws InterruptedException {
    await(
        PATIENCE,
        person.subject() + " logged off " + desktop,
        () -> {
          try {
            desktops.logoff(person, desktop);
            return true;
          } catch (OptimisticLockingFailureException conflict) {
            return false;
          }
        });
  }
}
