package io.veneer.controlplane.api.grpc;

import static io.veneer.api.v1.ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.DriverCapabilities;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.MachineType;
import io.veneer.api.v1.CreatePoolRequest;
import io.veneer.api.v1.Desktop;
import io.veneer.api.v1.DesktopActionRequest;
import io.veneer.api.v1.DesktopChange;
import io.veneer.api.v1.DesktopServiceGrpc;
import io.veneer.api.v1.DesktopState;
import io.veneer.api.v1.GetDesktopRequest;
import io.veneer.api.v1.GetPoolRequest;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.HostActionRequest;
import io.veneer.api.v1.HostServiceGrpc;
import io.veneer.api.v1.HostState;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.ListDesktopsRequest;
import io.veneer.api.v1.ListHostsRequest;
import io.veneer.api.v1.ListPoolsRequest;
import io.veneer.api.v1.PageRequest;
import io.veneer.api.v1.Pool;
import io.veneer.api.v1.PoolHardware;
import io.veneer.api.v1.PoolKind;
import io.veneer.api.v1.PoolPower;
import io.veneer.api.v1.PoolServiceGrpc;
import io.veneer.api.v1.PowerSchedule;
import io.veneer.api.v1.RequestDesktopRequest;
import io.veneer.api.v1.Resources;
import io.veneer.api.v1.RollPoolRequest;
import io.veneer.api.v1.SchedulePeriod;
import io.veneer.api.v1.UpdatePoolRequest;
import io.veneer.api.v1.WatchDesktopsRequest;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.placement.HostCapabilities;
import io.veneer.controlplane.quotas.QuotaHolder;
import io.veneer.controlplane.quotas.QuotaLimits;
import io.veneer.controlplane.quotas.Quotas;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The public gRPC API {@code veneer.api.v1}: the same rules as REST, bearer tokens in metadata,
 * failures as status codes with details, and WatchDesktops following changes from Kafka.
 */
class ApiGrpcTest extends ControlPlaneSpringTest {

  @Autowired ApiGrpcServer server;
  @Autowired DesktopChangeFeed feed;
  @Autowired HostService hosts;
  @Autowired HostCapabilities capabilities;
  @Autowired JdbcTemplate jdbc;
  @Autowired Quotas quotas;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + run;
  private final String bob = "bob-" + run;
  private final String host = "grpc-host-" + run;
  private ManagedChannel channel;
  private String poolId;

  @BeforeEach
  void aHostAndAPoolForAliceAndBob() {
    channel = TestTls.channel(server.port());
    hosts.register(
        new HostRegistration(
            host, new io.veneer.scheduler.cluster.Resources(64, 262_144, 4_000), Map.of(), ""));
    // Its driver runs the golden's hardware below (UEFI, a display), as its agent would say.
    capabilities.record(
        AgentMessages.hello(host)
            .setCapabilities(
                DriverCapabilities.newBuilder()
                    .addBootModes(BootMode.BOOT_MODE_DISK)
                    .addMachines(MachineType.MACHINE_TYPE_Q35)
                    .addFirmwares(Firmware.FIRMWARE_UEFI)
                    .setDisplay(true))
            .build());
    String version =
        GOLDEN_IMAGES.version(
            "tiny-" + run,
            AgentMessages.GOLDEN_DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            HardwareDefaults.newBuilder()
                .setMachine("q35")
                .setFirmware("uefi")
                .setBootMode("disk")
                .setDisplay(true)
                .setVcpus(2)
                .setMemoryMib(2048)
                .build());
    poolId =
        pools(admin())
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(
                        pool("office-" + run, version)
                            .addEntitledUsers(alice)
                            .addEntitledUsers(bob))
                    .build())
            .getId();
  }

  @AfterEach
  void closeTheChannel() {
    channel.shutdownNow();
  }

  @Test
  void callsWithoutAValidBearerTokenAreUnauthenticated() {
    GetPoolRequest get = GetPoolRequest.newBuilder().setId(poolId).build();

    assertThatThrownBy(() -> PoolServiceGrpc.newBlockingStub(channel).getPool(get))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(() -> pools("not-a-jwt").getPool(get))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aPoolNamedByVersionIdGetsItsDigestImageNameAndHardwareFromTheGoldenImageService() {
    Pool pool = pools(admin()).getPool(GetPoolRequest.newBuilder().setId(poolId).build());

    assertThat(pool.getName()).isEqualTo("office-" + run);
    assertThat(pool.getHardware()).isEqualTo(hardware("q35", "uefi", true));
    assertThat(
            jdbc.queryForMap(
                "SELECT golden_image, golden_digest, machine, firmware, boot_mode, display"
                    + " FROM pool WHERE id = ?::uuid",
                poolId))
        .containsEntry("golden_image", "tiny-" + run)
        .containsEntry("golden_digest", AgentMessages.GOLDEN_DIGEST)
        .containsEntry("machine", "q35")
        .containsEntry("firmware", "uefi")
        .containsEntry("boot_mode", "disk")
        .containsEntry("display", true);
  }

  @Test
  void hardwareNamedOnCreateWinsAnUpdateWithoutItKeepsItAndARollTakesTheNewImages() {
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    String plain =
        GOLDEN_IMAGES.version(
            "plain-" + run, "sha256:" + "e".repeat(64), IMAGE_VERSION_STATE_PUBLISHED);
    Pool created =
        admin.createPool(
            CreatePoolRequest.newBuilder()
                .setPool(
                    pool("headless-" + run, plain).setHardware(hardware("microvm", "bios", false)))
                .build());
    assertThat(created.getHardware()).isEqualTo(hardware("microvm", "bios", false));

    Pool resized =
        admin.updatePool(
            UpdatePoolRequest.newBuilder()
                .setPool(created.toBuilder().clearHardware().setMaxSize(4))
                .build());
    assertThat(resized.getMaxSize()).isEqualTo(4);
    assertThat(resized.getHardware()).isEqualTo(hardware("microvm", "bios", false));

    String withConsole =
        GOLDEN_IMAGES.version(
            "plain-" + run,
            "sha256:" + "f".repeat(64),
            IMAGE_VERSION_STATE_PUBLISHED,
            HardwareDefaults.newBuilder().setMachine("q35").setDisplay(true).build());
    Pool rolled =
        admin.rollPool(
            RollPoolRequest.newBuilder()
                .setId(created.getId())
                .setGoldenImageVersionId(withConsole)
                .build());
    assertThat(rolled.getHardware()).isEqualTo(hardware("q35", "bios", true));
  }

  @Test
  void wrongHardwareIsAnInvalidArgumentNamingTheHardwareField() {
    Pool wrong =
        pool("wrong-" + run, UUID.randomUUID().toString())
            .setHardware(hardware("microvm", "bios", true))
            .build();

    assertThatThrownBy(
            () -> pools(admin()).createPool(CreatePoolRequest.newBuilder().setPool(wrong).build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(badFields(e)).containsExactly("pool.hardware");
              assertThat(e).hasMessageContaining("a microvm machine has no display device");
            });
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name = ?", Long.class, "wrong-" + run))
        .isZero();
  }

  private static PoolHardware hardware(String machine, String firmware, boolean display) {
    return PoolHardware.newBuilder()
        .setMachine(machine)
        .setFirmware(firmware)
        .setBootMode("disk")
        .setDisplay(display)
        .build();
  }

  @Test
  void aPoolOnAnUnpublishedOrUnknownVersionIsRefusedWithTheReason() {
    String uploading =
        GOLDEN_IMAGES.version(
            "raw-" + run, "sha256:bb", ImageVersionState.IMAGE_VERSION_STATE_UPLOADING);

    assertThatThrownBy(
            () ->
                pools(admin())
                    .createPool(
                        CreatePoolRequest.newBuilder()
                            .setPool(pool("new-" + run, uploading))
                            .build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e).hasMessageContaining("UPLOADING").hasMessageContaining("publish it");
            });
    assertThatThrownBy(
            () ->
                pools(admin())
                    .createPool(
                        CreatePoolRequest.newBuilder()
                            .setPool(pool("ghost-" + run, UUID.randomUUID().toString()))
                            .build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e).hasMessageContaining("does not exist");
            });
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name LIKE ?", Long.class, "%-" + run))
        .isOne();
  }

  @Test
  void everyWrongFieldOfAPoolIsNamedAtOnce() {
    Pool wrong =
        Pool.newBuilder()
            .setKind(PoolKind.POOL_KIND_POOLED)
            .setMinSize(5)
            .setMaxSize(2)
            .setUserDataDiskGib(-1)
            .build();

    assertThatThrownBy(
            () -> pools(admin()).createPool(CreatePoolRequest.newBuilder().setPool(wrong).build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(badFields(e))
                  .contains(
                      "pool.name",
                      "pool.golden_image_version_id",
                      "pool.desktop_size.vcpus",
                      "pool.max_size",
                      "pool.user_data_disk_gib");
            });
  }

  @Test
  void usersRequestDesktopsAndSeeOnlyTheirOwn() {
    Desktop mine =
        pools(user(alice))
            .requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());
    Desktop bobs =
        pools(user(bob))
            .requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());

    assertThat(mine.getAssignedUser()).isEqualTo(alice);
    assertThat(mine.getHostId()).isNotBlank();
    assertThat(
            desktops(user(alice))
                .listDesktops(ListDesktopsRequest.newBuilder().setPoolId(poolId).build())
                .getDesktopsList())
        .extracting(Desktop::getId)
        .containsExactly(mine.getId());
    DesktopServiceGrpc.DesktopServiceBlockingStub asAlice = desktops(user(alice));
    DesktopActionRequest theirs = DesktopActionRequest.newBuilder().setId(bobs.getId()).build();
    List<Runnable> onBobsDesktop =
        List.of(
            () -> asAlice.getDesktop(GetDesktopRequest.newBuilder().setId(bobs.getId()).build()),
            () -> asAlice.startDesktop(theirs),
            () -> asAlice.stopDesktop(theirs),
            () -> asAlice.refreshDesktop(theirs),
            () -> asAlice.updateDesktopGolden(theirs),
            () -> asAlice.deleteDesktop(theirs));
    for (Runnable call : onBobsDesktop) {
      assertThatThrownBy(call::run)
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }
    assertThat(
            desktops(user(bob))
                .getDesktop(GetDesktopRequest.newBuilder().setId(bobs.getId()).build())
                .getState())
        .as("bob's desktop is untouched")
        .isEqualTo(bobs.getState());
  }

  @Test
  void aUserSeesOnlyTheirOwnEntitlementsOfAPoolAndAnAdminSeesThemAll() {
    String teams =
        pools(admin())
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(
                        pool(
                                "teams-" + run,
                                pools(admin()).getPool(get(poolId)).getGoldenImageVersionId())
                            .addEntitledUsers(alice)
                            .addEntitledUsers(bob)
                            .addEntitledGroups("sales")
                            .addEntitledGroups("design"))
                    .build())
            .getId();
    String carolInDesign = TestTokens.user("carol-" + run, "design");

    assertThat(entitlements(pools(user(alice)).getPool(get(teams))))
        .containsExactly("user " + alice);
    assertThat(entitlements(listed(teams, user(alice)))).containsExactly("user " + alice);
    assertThat(entitlements(pools(carolInDesign).getPool(get(teams))))
        .containsExactly("group design");
    assertThat(entitlements(listed(teams, carolInDesign))).containsExactly("group design");
    assertThat(entitlements(pools(admin()).getPool(get(teams))))
        .containsExactlyInAnyOrder("user " + alice, "user " + bob, "group sales", "group design");
    assertThat(entitlements(listed(teams, admin())))
        .containsExactlyInAnyOrder("user " + alice, "user " + bob, "group sales", "group design");
  }

  private static GetPoolRequest get(String poolId) {
    return GetPoolRequest.newBuilder().setId(poolId).build();
  }

  private Pool listed(String poolId, String token) {
    List<Pool> found =
        pools(token)
            .listPools(
                ListPoolsRequest.newBuilder()
                    .setPage(PageRequest.newBuilder().setPageSize(500))
                    .build())
            .getPoolsList()
            .stream()
            .filter(pool -> pool.getId().equals(poolId))
            .toList();
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  private static List<String> entitlements(Pool pool) {
    return Stream.concat(
            pool.getEntitledUsersList().stream().map(user -> "user " + user),
            pool.getEntitledGroupsList().stream().map(group -> "group " + group))
        .toList();
  }

  @Test
  void usersCannotManagePoolsOrHosts() {
    assertThatThrownBy(
            () ->
                pools(user(alice))
                    .createPool(
                        CreatePoolRequest.newBuilder().setPool(pool("mine-" + run, "x")).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> hosts(user(alice)).listHosts(ListHostsRequest.getDefaultInstance()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () -> hosts(user(alice)).drainHost(HostActionRequest.newBuilder().setId(host).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(jdbc.queryForObject("SELECT state FROM host WHERE id = ?", String.class, host))
        .isEqualTo("UP");
  }

  @Test
  void anIllegalMoveIsAFailedPreconditionThatNamesTheCurrentState() {
    Desktop mine =
        pools(user(alice))
            .requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());
    DesktopActionRequest theDesktop = DesktopActionRequest.newBuilder().setId(mine.getId()).build();
    assertThat(desktops(user(alice)).deleteDesktop(theDesktop).getState())
        .isEqualTo(DesktopState.DESKTOP_STATE_DELETING);

    assertThatThrownBy(() -> desktops(user(alice)).startDesktop(theDesktop))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(errorInfo(e).getReason()).isEqualTo("ILLEGAL_TRANSITION");
              assertThat(errorInfo(e).getMetadataMap())
                  .containsEntry("currentState", "DELETING")
                  .containsEntry("requestedState", "STARTING");
            });
  }

  @Test
  void adminsDrainResumeAndFenceHostsAndAGoneHostCannotBeOrderedBack() {
    HostServiceGrpc.HostServiceBlockingStub admin = hosts(admin());
    HostActionRequest theHost =
        HostActionRequest.newBuilder().setId(host).setReason("test").build();

    assertThat(admin.drainHost(theHost).getState()).isEqualTo(HostState.HOST_STATE_DRAINING);
    assertThat(admin.enterMaintenance(theHost).getState())
        .isEqualTo(HostState.HOST_STATE_MAINTENANCE);
    assertThat(admin.resumeHost(theHost).getState()).isEqualTo(HostState.HOST_STATE_UP);
    assertThat(admin.fenceHost(theHost).getState()).isEqualTo(HostState.HOST_STATE_FENCED);
    assertThatThrownBy(() -> admin.resumeHost(theHost))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(errorInfo(e).getMetadataMap()).containsEntry("currentState", "FENCED");
              assertThat(e).hasMessageContaining("start its node agent");
            });
  }

  @Test
  void aGoldenUpdateOfAPooledDesktopIsRefusedWithItsReason() {
    Desktop mine =
        pools(user(alice))
            .requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());
    // Refused whatever the versions: a pooled desktop takes its pool's at logoff.
    assertThatThrownBy(
            () ->
                desktops(user(alice))
                    .updateDesktopGolden(
                        DesktopActionRequest.newBuilder().setId(mine.getId()).build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(errorInfo(e).getReason()).isEqualTo("GOLDEN_UPDATE_REFUSED");
              assertThat(errorInfo(e).getMetadataMap()).containsEntry("refusal", "POOLED");
            });
  }

  @Test
  void aPoolsRequiredLabelsAreSetByUpdateAndAWrongOneIsNamed() {
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    Pool current = admin.getPool(GetPoolRequest.newBuilder().setId(poolId).build());

    Pool updated =
        admin.updatePool(
            UpdatePoolRequest.newBuilder()
                .setPool(current.toBuilder().putRequiredLabels("gpu", "true"))
                .build());

    assertThat(updated.getRequiredLabelsMap()).containsExactly(Map.entry("gpu", "true"));
    assertThatThrownBy(
            () ->
                admin.updatePool(
                    UpdatePoolRequest.newBuilder()
                        .setPool(current.toBuilder().putRequiredLabels("gpu", "a,b"))
                        .build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(badFields(e)).containsExactly("pool.required_labels");
            });
  }

  @Test
  void aPoolsPowerIsSetByUpdateKeptByOneWithoutItAndAWrongZoneIsNamed() {
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    Pool current = admin.getPool(GetPoolRequest.newBuilder().setId(poolId).build());
    PoolPower office =
        PoolPower.newBuilder()
            .setIdleShutdownMinutes(30)
            .setSchedule(
                PowerSchedule.newBuilder()
                    .setZone("Europe/Paris")
                    .addPeriods(
                        SchedulePeriod.newBuilder()
                            .addAllDays(List.of("MON", "TUE", "WED", "THU", "FRI"))
                            .setFrom("07:00")
                            .setUntil("19:00")
                            .setMinSize(1)
                            .setWarmSpares(1)))
            .build();

    Pool updated =
        admin.updatePool(
            UpdatePoolRequest.newBuilder().setPool(current.toBuilder().setPower(office)).build());
    Pool kept =
        admin.updatePool(
            UpdatePoolRequest.newBuilder()
                .setPool(updated.toBuilder().clearPower().setWarmSpares(2))
                .build());

    assertThat(updated.getPower()).isEqualTo(office);
    assertThat(kept.getPower()).as("unset on update: unchanged").isEqualTo(office);
    assertThatThrownBy(
            () ->
                admin.updatePool(
                    UpdatePoolRequest.newBuilder()
                        .setPool(
                            current.toBuilder()
                                .setPower(
                                    office.toBuilder()
                                        .setSchedule(
                                            office.getSchedule().toBuilder().setZone("Mars/Base"))))
                        .build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(badFields(e)).containsExactly("pool.power");
              assertThat(e).hasMessageContaining("power.schedule.zone");
            });
  }

  @Test
  void updateChangesSizesAndEntitlementsButNotTheGoldenVersion() {
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    Pool current = admin.getPool(GetPoolRequest.newBuilder().setId(poolId).build());

    Pool updated =
        admin.updatePool(
            UpdatePoolRequest.newBuilder()
                .setPool(
                    current.toBuilder().setMaxSize(3).clearEntitledUsers().addEntitledUsers(bob))
                .build());
    assertThat(updated.getMaxSize()).isEqualTo(3);
    assertThat(updated.getEntitledUsersList()).containsExactly(bob);
    assertThatThrownBy(
            () ->
                admin.updatePool(
                    UpdatePoolRequest.newBuilder()
                        .setPool(current.toBuilder().setGoldenImageVersionId("other"))
                        .build()))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(badFields(e)).containsExactly("pool.golden_image_version_id");
            });
  }

  @Test
  void rollingAPoolMovesItToTheNewVersionsDigest() {
    String next =
        GOLDEN_IMAGES.version(
            "tiny-" + run,
            "sha256:" + "c".repeat(64),
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED);

    Pool rolled =
        pools(admin())
            .rollPool(
                RollPoolRequest.newBuilder()
                    .setId(poolId)
                    .setGoldenImageVersionId(next)
                    .setMaxConcurrentRefreshes(2)
                    .build());

    assertThat(rolled.getGoldenImageVersionId()).isEqualTo(next);
    assertThat(rolled.getMaxConcurrentRefreshes()).isEqualTo(2);
    assertThat(
            jdbc.queryForObject(
                "SELECT golden_digest FROM pool WHERE id = ?::uuid", String.class, poolId))
        .isEqualTo("sha256:" + "c".repeat(64));
  }

  @Test
  void aRequestPastAQuotaIsFailedPreconditionNamingTheQuota() {
    quotas.set(
        io.veneer.controlplane.security.Caller.admin("admin-" + run),
        new QuotaHolder(QuotaHolder.Kind.USER, alice),
        new QuotaLimits(null, 0, null));
    RequestDesktopRequest request = RequestDesktopRequest.newBuilder().setPoolId(poolId).build();

    assertThatThrownBy(() -> pools(user(alice)).requestDesktop(request))
        .satisfies(
            e -> {
              assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(errorInfo(e).getReason()).isEqualTo("QUOTA_EXCEEDED");
              assertThat(errorInfo(e).getMetadataMap())
                  .containsEntry("quota", "user/" + alice)
                  .containsEntry("measure", "vcpus")
                  .containsEntry("limit", "0")
                  .containsEntry("usage", "0")
                  .containsEntry("requested", "1");
            });
    assertThat(
            jdbc.queryForObject("SELECT count(*) FROM desktop WHERE owner = ?", Long.class, alice))
        .isZero();
  }

  @Test
  void aWatcherSeesItsOwnDesktopsChangesAndNotOthers() {
    Watch watch = watch(user(alice));
    List<DesktopChange> seen = watch.seen();
    List<Throwable> failures = watch.failures();
    await().atMost(Duration.ofSeconds(15)).until(() -> feed.watchers() == 1);

    pools(user(bob)).requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());
    Desktop mine =
        pools(user(alice))
            .requestDesktop(RequestDesktopRequest.newBuilder().setPoolId(poolId).build());

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(seen)
                    .extracting(c -> c.getDesktop().getState())
                    .contains(DesktopState.DESKTOP_STATE_SCHEDULED));
    assertThat(failures).isEmpty();
    assertThat(seen).allSatisfy(c -> assertThat(c.getDesktop().getId()).isEqualTo(mine.getId()));
    assertThat(seen).allSatisfy(c -> assertThat(c.getInitial()).isFalse());
  }

  @Test
  void aWatchEndsWhenItsCallersTokenExpires() {
    List<Throwable> failures =
        watch(TestTokens.userExpiringIn(alice, Duration.ofSeconds(3))).failures();
    await().atMost(Duration.ofSeconds(15)).until(() -> feed.watchers() == 1);

    await().atMost(Duration.ofSeconds(30)).until(() -> !failures.isEmpty());
    assertThat(code(failures.getFirst())).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(Status.fromThrowable(failures.getFirst()).getDescription())
        .contains("expired", "log in again");
    await().atMost(Duration.ofSeconds(5)).until(() -> feed.watchers() == 0);
  }

  @Test
  void aPoolWatchEndsWhenItsCallerLosesTheEntitlementBeforeTheTokenExpires() {
    List<Throwable> failures = watch(TestTokens.user(alice)).failures();
    await().atMost(Duration.ofSeconds(15)).until(() -> feed.watchers() == 1);
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    Pool current = admin.getPool(GetPoolRequest.newBuilder().setId(poolId).build());

    admin.updatePool(
        UpdatePoolRequest.newBuilder()
            .setPool(current.toBuilder().clearEntitledUsers().addEntitledUsers(bob))
            .build());

    await().atMost(Duration.ofSeconds(15)).until(() -> !failures.isEmpty());
    assertThat(code(failures.getFirst())).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Status.fromThrowable(failures.getFirst()).getDescription())
        .contains("no longer entitled");
    await().atMost(Duration.ofSeconds(5)).until(() -> feed.watchers() == 0);
    List<Throwable> again = watch(TestTokens.user(alice)).failures();
    await().atMost(Duration.ofSeconds(10)).until(() -> !again.isEmpty());
    assertThat(code(again.getFirst()))
        .as("nor can a new watch of it start")
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aWatchOfAllTheirDesktopsEndsWhenTheCallerLosesTheirLastEntitlementBeforeTheTokenExpires() {
    List<Throwable> failures = watch(TestTokens.user(alice), null).failures();
    await().atMost(Duration.ofSeconds(15)).until(() -> feed.watchers() == 1);
    PoolServiceGrpc.PoolServiceBlockingStub admin = pools(admin());
    Pool current = admin.getPool(GetPoolRequest.newBuilder().setId(poolId).build());
    assertThat(failures).as("entitled to this test's pool, alice watches on").isEmpty();

    admin.updatePool(
        UpdatePoolRequest.newBuilder()
            .setPool(current.toBuilder().clearEntitledUsers().addEntitledUsers(bob))
            .build());

    await().atMost(Duration.ofSeconds(15)).until(() -> !failures.isEmpty());
    assertThat(code(failures.getFirst())).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Status.fromThrowable(failures.getFirst()).getDescription())
        .contains("no longer entitled to any pool");
    await().atMost(Duration.ofSeconds(5)).until(() -> feed.watchers() == 0);
  }

  @Test
  void aWatchOfAPoolTheCallerIsNotEntitledToIsRefused() {
    List<Throwable> failures = watch(TestTokens.user("stranger-" + run)).failures();

    await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
    assertThat(code(failures.getFirst())).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(feed.watchers()).isZero();
  }

  /** What one WatchDesktops call of this test's pool received. */
  private record Watch(List<DesktopChange> seen, List<Throwable> failures) {}

  private Watch watch(String token) {
    return watch(token, poolId);
  }

  /** A WatchDesktops call of {@code pool}, or of all the caller's desktops when null. */
  private Watch watch(String token, String pool) {
    Watch watch = new Watch(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    DesktopServiceGrpc.newStub(channel)
        .withCallCredentials(bearer(token))
        .watchDesktops(
            pool == null
                ? WatchDesktopsRequest.getDefaultInstance()
                : WatchDesktopsRequest.newBuilder().setPoolId(pool).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(DesktopChange change) {
                watch.seen().add(change);
              }

              @Override
              public void onError(Throwable t) {
                watch.failures().add(t);
              }

              @Override
              public void onCompleted() {}
            });
    return watch;
  }

  private static Pool.Builder pool(String name, String goldenVersion) {
    return Pool.newBuilder()
        .setName(name)
        .setKind(PoolKind.POOL_KIND_POOLED)
        .setGoldenImageVersionId(goldenVersion)
        .setDesktopSize(Resources.newBuilder().setVcpus(1).setMemoryMib(1024).setDiskGib(10))
        .setMinSize(0)
        .setMaxSize(10);
  }

  private String admin() {
    return TestTokens.admin("admin-" + run);
  }

  private static String user(String subject) {
    return TestTokens.user(subject);
  }

  private PoolServiceGrpc.PoolServiceBlockingStub pools(String token) {
    return PoolServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private DesktopServiceGrpc.DesktopServiceBlockingStub desktops(String token) {
    return DesktopServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private HostServiceGrpc.HostServiceBlockingStub hosts(String token) {
    return HostServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }

  private static ErrorInfo errorInfo(Throwable e) {
    return detail(e, ErrorInfo.class);
  }

  private static List<String> badFields(Throwable e) {
    return detail(e, BadRequest.class).getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }

  private static <T extends com.google.protobuf.Message> T detail(Throwable e, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("status details of %s", e).isNotNull();
    try {
      for (com.google.protobuf.Any any : status.getDetailsList()) {
        if (any.is(type)) {
          return any.unpack(type);
        }
      }
    } catch (InvalidProtocolBufferException broken) {
      throw new AssertionError(broken);
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + status);
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }
}
