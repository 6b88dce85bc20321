package io.veneer.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.localstack.api.ApiException;
import io.veneer.localstack.api.ImagesApi;
import io.veneer.localstack.api.JsonApi;
import io.veneer.testsupport.cli.CliRun;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import io.veneer.testsupport.net.CuttingProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system on one machine, started as {@code ./veneer up} starts it (real Keycloak,
 * PostgreSQL, Kafka, both services, the web portal, two node agents with real QEMU guests under
 * TCG), followed through one story, every user acting with a token from the stack's Keycloak
 * (password grant): the portal sends people to Keycloak to log in, users get the demo pool's
 * desktops, an agent is killed and comes back, a desktop is refreshed at logoff, the pool is
 * deleted, an operator and a user do the same with the {@code veneer} CLI (login, a resumed upload,
 * a pool from YAML, a desktop watched until RUNNING, a drained host), the stack is stopped. The
 * steps share the stack, so they run in order.
 */
@NeedsHost(HostTool.QEMU)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class WholeSystemIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private LaunchedStack stack;
  private DesktopEventLog events;
  private JsonApi admin;
  private String aliceDesktop;
  private String bobDesktop;

  @BeforeAll
  @Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES)
  void up() throws Exception {
    Path repo = Path.of("").toAbsolutePath().getParent();
    stack = LaunchedStack.up(repo, repo.resolve("local-stack/target/whole-system-it"));
    admin = stack.api("admin");
    events = new DesktopEventLog(stack.info().kafka());
  }

  @AfterAll
  void down() {
    if (events != null) {
      events.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(0)
  void thePortalSendsPeopleToTheStacksKeycloakToLogIn() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI portal = URI.create(stack.info().portal());
    // "/" ─► the portal's login start ─► Keycloak's authorization endpoint (a hop or two).
    URI next = portal.resolve("/");
    String keycloak = null;
    for (int hop = 0; hop < 3 && keycloak == null; hop++) {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(next).GET().build(), HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).as("GET " + next).isEqualTo(302);
      String location = response.headers().firstValue("Location").orElseThrow();
      if (location.startsWith(stack.info().keycloak())) {
        keycloak = location;
      } else {
        next = portal.resolve(location);
      }
    }
    assertThat(keycloak).as("a redirect to Keycloak").isNotNull();
    assertThat(keycloak)
        .startsWith(stack.info().keycloak() + "/realms/veneer/protocol/openid-connect/auth?")
        .contains("client_id=veneer-portal")
        .contains("code_challenge_method=S256");

    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(keycloak)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("password");
  }

  @Test
  @Order(0)
  void theImageServiceTakesTheAdminsKeycloakTokenAndRefusesAUsers() throws Exception {
    assertThat(stack.imagesApi("admin").get("/api/v1/images").toString()).contains("tiny-golden");
    assertThatThrownBy(() -> stack.imagesApi("alice").get("/api/v1/images"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("HTTP 403");
  }

  @Test
  @Order(1)
  void aUserGetsAWarmDesktopOnlyOnceItsQemuGuestIsReady() throws Exception {
    JsonNode desktop = request(stack.api("alice"));
    aliceDesktop = desktop.path("id").asString();

    JsonNode running = awaitState(aliceDesktop, "RUNNING");
    assertThat(running.path("owner").asString()).isEqualTo(stack.info().userIds().get("alice"));
    String host = running.path("hostId").asString();
    Path dir = stack.desktopDir(host, aliceDesktop);
    // Agents report RUNNING only once the guest printed its ready line (VENEER_GUEST_READY_LINE).
    assertThat(console(dir)).contains("VENEER GUEST READY");
    long pid = Long.parseLong(Files.readString(dir.resolve("qemu.pid")).strip());
    assertThat(LaunchedStack.qemuProcessesOf(aliceDesktop))
        .singleElement()
        .satisfies(qemu -> assertThat(qemu.pid()).isEqualTo(pid));
  }

  @Test
  @Order(2)
  void aSecondUserGetsTheOtherDesktopAndAThirdIsToldThePoolIsExhausted() throws Exception {
    JsonNode desktop = request(stack.api("bob"));
    bobDesktop = desktop.path("id").asString();
    assertThat(bobDesktop).isNotEqualTo(aliceDesktop);
    assertThat(awaitState(bobDesktop, "RUNNING").path("owner").asString())
        .isEqualTo(stack.info().userIds().get("bob"));

    assertThatThrownBy(
            () ->
                admin.post(
                    "/api/v1/desktops",
                    Map.of("poolId", stack.info().poolId(), "owner", "carol"),
                    Map.of()))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("HTTP 409")
        .hasMessageContaining("no free desktop");
  }

  @Test
  @Order(3)
  void aKilledAgentReadoptsItsRunningGuestsWhenItComesBack() throws Exception {
    String host = desktop(aliceDesktop).path("hostId").asString();
    long guest = LaunchedStack.qemuProcessesOf(aliceDesktop).getFirst().pid();
    ProcessHandle agent = stack.part("agent-" + host).orElseThrow();

    agent.destroyForcibly();
    agent.onExit().get();

    ProcessHandle restarted =
        await(
            "a new agent for " + host,
            () -> stack.part("agent-" + host).filter(p -> p.pid() != agent.pid()).orElse(null));
    await(
        host + " heartbeating again",
        () -> {
          String at = admin.get("/api/v1/hosts/" + host).path("lastHeartbeatAt").asString("");
          return !at.isEmpty()
                  && restarted
                      .info()
                      .startInstant()
                      .orElseThrow()
                      .isBefore(java.time.Instant.parse(at))
              ? at
              : null;
        });
    assertThat(LaunchedStack.qemuProcessesOf(aliceDesktop))
        .singleElement()
        .satisfies(qemu -> assertThat(qemu.pid()).isEqualTo(guest));
    assertThat(desktop(aliceDesktop).path("state").asString()).isEqualTo("RUNNING");
    assertThat(admin.get("/api/v1/hosts/" + host).path("state").asString()).isEqualTo("UP");
  }

  @Test
  @Order(4)
  void logoffRefreshesTheDesktopFromThePristineGolden() throws Exception {
    JsonNode before = desktop(aliceDesktop);
    Path dir = stack.desktopDir(before.path("hostId").asString(), aliceDesktop);
    assertThat(console(dir)).contains("VENEER MARKER ABSENT");

    stack.api("alice").post("/api/v1/desktops/" + aliceDesktop + "/logoff", Map.of(), Map.of());

    JsonNode after =
        await(
            "the refreshed desktop running",
            () -> {
              JsonNode now = desktop(aliceDesktop);
              boolean refreshed =
                  now.path("osDiskGeneration").asLong() > before.path("osDiskGeneration").asLong();
              return refreshed
                      && now.path("state").asString().equals("RUNNING")
                      && console(dir).contains("VENEER GUEST READY")
                  ? now
                  : null;
            });
    assertThat(after.path("owner").isNull()).isTrue();
    // The guest's init appends to a marker file on its disk at every boot: a pristine disk has
    // none.
    assertThat(console(dir)).contains("VENEER MARKER ABSENT").doesNotContain("MARKER PRESENT");
  }

  @Test
  @Order(5)
  void deletingThePoolStopsEveryGuestAndRemovesEveryOverlay() throws Exception {
    List<JsonNode> desktops = poolDesktops();
    assertThat(desktops).hasSize(2);

    admin.delete("/api/v1/pools/" + stack.info().poolId());

    await("every desktop of the pool gone", () -> poolDesktops().isEmpty() ? true : null);
    for (JsonNode desktop : desktops) {
      String id = desktop.path("id").asString();
      assertThat(LaunchedStack.qemuProcessesOf(id)).isEmpty();
      assertThat(stack.desktopDir(desktop.path("hostId").asString(), id).resolve("os.qcow2"))
          .doesNotExist();
    }
    String digest = stack.info().goldenDigest();
    String hex = digest.substring("sha256:".length());
    assertThat(ImagesApi.sha256(stack.layout().images().resolve("blobs/sha256").resolve(hex)))
        .isEqualTo(digest);
    for (String host : stack.info().hosts()) {
      Path cached = stack.layout().agentData(host).resolve("images").resolve(hex);
      if (Files.exists(cached)) {
        assertThat(ImagesApi.sha256(cached)).isEqualTo(digest);
      }
    }
  }

  @Test
  @Order(6)
  @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
  void theCliLogsInUploadsWithAResumePublishesCreatesAPoolWatchesADesktopRunAndDrainsItsHost(
      @TempDir Path dir) throws Exception {
    StackInfo info = stack.info();
    List<String> asAdmin = cliLogin("admin", dir);
    List<String> asAlice = cliLogin("alice", dir);

    String image = "cli-" + Long.toHexString(System.nanoTime());
    assertThat(CliRun.of(asAdmin, "images", "create", image, "--os", "linux").exit()).isZero();
    byte[] bytes = new byte[8 << 20];
    bytes[510] = 0x55;
    bytes[511] = (byte) 0xaa;
    Path disk = Files.write(dir.resolve("disk.img"), bytes);
    CliRun upload;
    try (CuttingProxy proxy = new CuttingProxy(URI.create(info.images()).getPort(), 3L << 20)) {
      List<String> throughProxy = new ArrayList<>(asAdmin);
      throughProxy.addAll(List.of("--images", "http://127.0.0.1:" + proxy.port()));
      upload =
          CliRun.of(
              throughProxy,
              "images",
              "upload",
              disk.toString(),
              "--image",
              image,
              "--chunk-mib",
              "1",
              "-o",
              "json");
      assertThat(proxy.hasCut()).as("the connection was dropped midway").isTrue();
    }
    assertThat(upload.exit()).as(upload.err()).isZero();
    assertThat(upload.err()).contains("Connection dropped", "resuming at byte", "100%");
    JsonNode version = JSON.readTree(upload.out());
    assertThat(version.path("state").asString()).isEqualTo("AVAILABLE");
    CliRun published =
        CliRun.of(asAdmin, "images", "publish", image, version.path("id").asString(), "-o", "json");
    assertThat(JSON.readTree(published.out()).path("state").asString()).isEqualTo("PUBLISHED");

    String pool = "cli-pool-" + Long.toHexString(System.nanoTime());
    Path poolFile =
        Files.writeString(
            dir.resolve("pool.yaml"),
            """
            name: %s
            kind: POOLED
            goldenImage: %s
            goldenVersion: "%s"
            goldenDigest: %s
            size: {vcpus: 1, memoryMib: 256, diskGib: 1}
            hardware: {machine: q35, firmware: bios, bootMode: disk, display: true}
            minSize: 0
            maxSize: 1
            warmSpares: 0
            maxConcurrentRefresh: 1
            entitledGroups: [engineering]
            """
                .formatted(
                    pool, tinyGolden(asAdmin), tinyGoldenNumber(asAdmin), info.goldenDigest()));
    CliRun created = CliRun.of(asAdmin, "pools", "create", "-f", poolFile.toString(), "-o", "json");
    assertThat(created.exit()).as(created.err()).isZero();
    String poolId = JSON.readTree(created.out()).path("id").asString();

    CompletableFuture<CliRun> watch =
        CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    asAlice,
                    "desktops",
                    "watch",
                    "--pool",
                    poolId,
                    "--until",
                    "RUNNING",
                    "--timeout",
                    "300"));
    CliRun requested = CliRun.of(asAlice, "desktops", "request", pool, "-o", "json");
    assertThat(requested.exit()).as(requested.err()).isZero();
    String desktop = JSON.readTree(requested.out()).path("id").asString();
    CliRun watched = watch.get(6, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(watched.exit()).as(watched.err()).isZero();
    assertThat(watched.out()).containsPattern(desktop + " RUNNING host=\\S+");
    String host = desktop(desktop).path("hostId").asString();

    CliRun drained = CliRun.of(asAdmin, "hosts", "drain", host, "-o", "json");
    assertThat(drained.exit()).as(drained.err()).isZero();
    assertThat(JSON.readTree(drained.out()).path("state").asString()).isEqualTo("DRAINING");
    JsonNode hosts = JSON.readTree(CliRun.of(asAdmin, "hosts", "list", "-o", "json").out());
    assertThat(hosts.findValuesAsString("state")).contains("DRAINING");
    assertThat(CliRun.of(asAdmin, "hosts", "resume", host).exit()).isZero();
    CliRun deleted = CliRun.of(asAdmin, "pools", "delete", poolId, "--wait");
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(LaunchedStack.qemuProcessesOf(desktop)).isEmpty();
  }

  /** Logs the demo user in with the CLI (password grant); the options its commands then need. */
  private List<String> cliLogin(String user, Path dir) {
    StackInfo info = stack.info();
    List<String> options = List.of("--config-dir", dir.resolve(user).toString());
    List<String> where = new ArrayList<>(options);
    where.addAll(
        List.of(
            "--control-plane", info.controlPlane(),
            "--images", info.images(),
            "--grpc", info.apiGrpc(),
            "--grpc-ca", info.grpcCa()));
    CliRun login =
        CliRun.withInput(
            info.passwords().get(user) + "\n",
            where,
            "login",
            "--issuer",
            info.tokenEndpoint().replace("/protocol/openid-connect/token", ""),
            "--username",
            user,
            "--password-stdin");
    assertThat(login.exit()).as(login.err()).isZero();
    return options;
  }

  /** The name of the tiny golden image, found by its digest through the CLI. */
  private String tinyGolden(List<String> asAdmin) {
    return tinyGoldenVersion(asAdmin).path("imageName").asString();
  }

  private String tinyGoldenNumber(List<String> asAdmin) {
    return tinyGoldenVersion(asAdmin).path("number").asString();
  }

  private JsonNode tinyGoldenVersion(List<String> asAdmin) {
    for (JsonNode image : JSON.readTree(CliRun.of(asAdmin, "images", "list", "-o", "json").out())) {
      String name = image.path("name").asString();
      for (JsonNode version :
          JSON.readTree(CliRun.of(asAdmin, "images", "versions", name, "-o", "json").out())) {
        if (version.path("digest").asString().equals(stack.info().goldenDigest())) {
          return JSON.createObjectNode()
              .put("imageName", name)
              .put("number", version.path("number").asString());
        }
      }
    }
    throw new AssertionError("No image version has the tiny golden's digest");
  }

  @Test
  @Order(7)
  void everyTransitionArrivesOnKafkaOnceAndInOrderPerDesktop() throws Exception {
    for (String id : List.of(aliceDesktop, bobDesktop)) {
      List<DesktopEventLog.Received> received =
          await(
              "the deletion of " + id + " on Kafka",
              () -> {
                List<DesktopEventLog.Received> so = events.of(id);
                return !so.isEmpty() && so.getLast().event().getToState().equals("DELETED")
                    ? so
                    : null;
              });
      List<String> story =
          received.stream()
              .map(
                  r ->
                      r.event().getType()
                          + " "
                          + r.event().getFromState()
                          + "->"
                          + r.event().getToState()
                          + " v"
                          + r.event().getHeader().getAggregateVersion())
              .toList();
      Set<String> ids = new HashSet<>();
      List<String> states = new ArrayList<>();
      long version = 0;
      String state = "";
      for (DesktopEventLog.Received event : received) {
        assertThat(ids.add(event.ceId()))
            .as("event %s seen once in %s", event.ceId(), story)
            .isTrue();
        assertThat(event.event().getHeader().getEventId()).isEqualTo(event.ceId());
        assertThat(event.event().getHeader().getAggregateVersion()).isGreaterThanOrEqualTo(version);
        version = event.event().getHeader().getAggregateVersion();
        if (event.event().getType().endsWith("state-changed")
            || event.event().getType().endsWith("requested")) {
          assertThat(event.event().getFromState())
              .as("events of %s: %s", id, story)
              .isEqualTo(state);
          state = event.event().getToState();
          states.add(state);
        }
      }
      assertThat(states).startsWith("REQUESTED").contains("RUNNING").endsWith("DELETED");
    }
  }

  @Test
  @Order(8)
  void stoppingTheStackLeavesNoProcessBehind() throws Exception {
    assertThat(stack.stop(Duration.ofMinutes(2))).isTrue();

    assertThat(stack.processesUsingState()).isEmpty();
    assertThat(stack.output()).contains("Veneer stopped.");
  }

  private JsonNode request(JsonApi user) throws ApiException {
    return user.post("/api/v1/desktops", Map.of("poolId", stack.info().poolId()), Map.of());
  }

  private JsonNode desktop(String id) throws ApiException {
    return admin.get("/api/v1/desktops/" + id);
  }

  private List<JsonNode> poolDesktops() throws ApiException {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode desktop : admin.get("/api/v1/desktops?limit=500").path("items")) {
      if (desktop.path("poolId").asString().equals(stack.info().poolId())
          && !desktop.path("state").asString().equals("DELETED")) {
        found.add(desktop);
      }
    }
    return found;
  }

  private JsonNode awaitState(String id, String state) throws Exception {
    return await(
        id + " " + state,
        () -> {
          JsonNode now = desktop(id);
          if (now.path("state").asString().equals("FAILED")) {
            throw new AssertionError("desktop " + id + " FAILED: " + now);
          }
          return now.path("state").asString().equals(state) ? now : null;
        });
  }

  private static String console(Path desktopDir) throws IOException {
    Path console = desktopDir.resolve("console.log");
    return Files.exists(console) ? Files.readString(console) : "";
  }

  /** Polls until {@code probe} answers something other than null. */
  private static <T> T await(String what, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      T answer = probe.call();
      if (answer != null) {
        return answer;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Waited " + WAIT.toSeconds() + " s for " + what);
      }
      Thread.sleep(200);
    }
  }
}
