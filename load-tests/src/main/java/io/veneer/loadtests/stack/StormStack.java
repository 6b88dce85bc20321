package io.veneer.loadtests.stack;

import io.veneer.loadtests.api.ApiException;
import io.veneer.loadtests.api.ControlPlaneApi;
import io.veneer.loadtests.fleet.GoldenBlob;
import io.veneer.loadtests.fleet.SimulatedFleet;
import io.veneer.loadtests.report.Acknowledgements;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Everything a storm runs against, on this machine: test-support's real PostgreSQL, Kafka and
 * Keycloak, the control plane's jar as {@code replicas} processes on one database, the fleet's
 * hosts registered and given agent tokens through the admin REST API, the simulated fleet
 * connected, and one pool to request desktops from. Every address is loopback.
 */
public final class StormStack implements AutoCloseable {

  private static final Logger log = Logger.getLogger(StormStack.class.getName());
  private static final Duration READY = Duration.ofMinutes(4);
  private static final int SETUP_CONCURRENCY = 16;

  private final StormSettings settings;
  private final PostgresDatabase database;
  private final List<ControlPlaneProcess> replicas = new ArrayList<>();
  private final List<ControlPlaneApi> apis = new ArrayList<>();
  private final Acknowledgements acknowledgements = new Acknowledgements();
  private AdminToken token;
  private SimulatedFleet fleet;
  private String poolId;

  private StormStack(StormSettings settings, PostgresDatabase database) {
    this.settings = settings;
    this.database = database;
    // The replicas are plain child processes: stopped with the load JVM, even on Ctrl-C.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> replicas.forEach(ControlPlaneProcess::close), "storm-stack-stop"));
  }

  public static StormStack start(StormSettings settings) throws Exception {
    long begin = System.nanoTime();
    // Keycloak takes longest to start: it starts while PostgreSQL and Kafka do.
    CompletableFuture<VeneerRealm> realm =
        CompletableFuture.supplyAsync(() -> TestKeycloak.freshRealm(StormStack.class));
    StormStack stack = new StormStack(settings, TestPostgres.freshDatabase(StormStack.class));
    try {
      stack.startControlPlanes(topics(), realm.join());
      stack.startFleet();
      stack.createPool();
      log.info(
          "event=storm-stack-ready hosts="
              + settings.hosts()
              + " replicas="
              + settings.replicas()
              + " seconds="
              + (System.nanoTime() - begin) / 1_000_000_000);
      stack.prefill();
    } catch (Exception e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  private static KafkaTopics topics() {
    KafkaTopics topics = TestKafka.freshTopics(StormStack.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    return topics;
  }

  private void startControlPlanes(KafkaTopics topics, VeneerRealm realm) throws Exception {
    Map<String, String> common = new LinkedHashMap<>();
    common.put("spring.datasource.url", database.jdbcUrl());
    common.put("spring.datasource.username", database.username());
    common.put("spring.datasource.password", database.password());
    common.put("veneer.kafka.bootstrap-servers", topics.bootstrapServers());
    common.put("veneer.kafka.topic-prefix", topics.prefix());
    common.put(
        "spring.security.oauth2.resourceserver.jwt.issuer-uri", realm.issuerUri().toString());
    common.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", realm.jwksUri().toString());
    common.put("spring.security.oauth2.resourceserver.jwt.audiences", VeneerRealm.AUDIENCE);
    Path logs = settings.target().resolve("storm-logs");
    for (int i = 0; i < settings.replicas(); i++) {
      replicas.add(
          ControlPlaneProcess.start(
              "control-plane-" + (i + 1),
              settings.controlPlaneJar(),
              settings.controlPlaneJvm(),
              common,
              logs));
    }
    token = new AdminToken(realm, "storm-admin");
    for (ControlPlaneProcess replica : replicas) {
      replica.awaitReady(READY);
      apis.add(new ControlPlaneApi(replica.restBase(), token));
    }
  }

  /** Registers every host and issues its token over REST, then starts the fleet and awaits UP. */
  private void startFleet() throws Exception {
    List<SimulatedFleet.Member> members = new ArrayList<>();
    try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore inFlight = new Semaphore(SETUP_CONCURRENCY);
      List<Future<SimulatedFleet.Member>> registered = new ArrayList<>();
      for (int i = 0; i < settings.hosts(); i++) {
        String hostId = String.format("sim-%05d", i);
        ControlPlaneApi api = apis.get(i % apis.size());
        String gateway = replicas.get(i % replicas.size()).agentGateway();
        registered.add(
            calls.submit(
                () -> {
                  inFlight.acquire();
                  try {
                    api.registerHost(hostId, settings.capacity(), "default");
                    return new SimulatedFleet.Member(hostId, api.issueAgentToken(hostId), gateway);
                  } finally {
                    inFlight.release();
                  }
                }));
      }
      for (Future<SimulatedFleet.Member> member : registered) {
        members.add(member.get());
      }
    }
    Path data = settings.target().resolve("storm-fleet");
    deleteTree(data);
    Files.createDirectories(data);
    fleet =
        SimulatedFleet.start(members, settings.capacity(), settings.bootTime(), golden(), data, 16);
    long deadline = System.nanoTime() + READY.toNanos();
    while (true) {
      long up =
          api().hosts().stream()
              .filter(h -> h.path("state").asString().equals("UP"))
              .filter(h -> !h.path("lastHeartbeatAt").asString("").isEmpty())
              .count();
      if (up >= settings.hosts()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            up + " of " + settings.hosts() + " hosts came up in " + READY.toSeconds() + " s");
      }
      Thread.sleep(1000);
    }
  }

  /** The previous storm's agent data: each storm starts with empty hosts. */
  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static GoldenBlob golden() {
    return GoldenBlob.named("veneer storm golden image");
  }

  private void createPool() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "storm-" + System.currentTimeMillis());
    spec.put("kind", "POOLED");
    spec.put("goldenImage", "storm-golden");
    spec.put("goldenVersion", "1");
    spec.put("goldenDigest", golden().digest());
    spec.put("size", settings.desktopSize());
    spec.put(
        "hardware",
        Map.of("machine", "q35", "firmware", "bios", "bootMode", "disk", "display", false));
    spec.put("minSize", 0);
    spec.put("maxSize", settings.prefill() + settings.users() + 1000);
    spec.put("warmSpares", 0);
    spec.put("maxConcurrentRefresh", 10);
    spec.put("entitledUsers", List.of());
    spec.put("entitledGroups", List.of());
    poolId = api().post("/api/v1/pools", spec).path("id").asString();
  }

  /** The desktops already in the fleet before the storm, requested 32 at a time. */
  private void prefill() throws Exception {
    if (settings.prefill() == 0) {
      return;
    }
    try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore inFlight = new Semaphore(32);
      for (int i = 0; i < settings.prefill(); i++) {
        String owner = "prefill-" + i;
        inFlight.acquire();
        calls.execute(
            () -> {
              try {
                request(owner);
              } finally {
                inFlight.release();
              }
            });
      }
    }
    awaitRunning(settings.runningTimeout());
  }

  /**
   * Requests a desktop of the pool for {@code owner} as the admin, through the replicas in turn,
   * and records what the control plane answered.
   */
  public void request(String owner) {
    ControlPlaneApi api = apis.get(Math.floorMod(owner.hashCode(), apis.size()));
    Instant sent = Instant.now();
    try {
      JsonNode desktop = api.requestDesktop(poolId, owner);
      acknowledgements.acknowledged(owner, desktop.path("id").asString(), sent, Instant.now());
    } catch (ApiException e) {
      acknowledgements.refused(e.status());
    } catch (RuntimeException e) {
      acknowledgements.refused(0);
    }
  }

  /**
   * Waits until every acknowledged desktop that is still held is RUNNING, or the timeout: the
   * consistency check then says what is not.
   */
  public List<JsonNode> awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<JsonNode> desktops;
      try {
        desktops = api().all("/api/v1/desktops");
      } catch (ApiException | UncheckedIOException overloaded) {
        // A control plane still digesting the storm may time out a list; ask again until the end.
        if (System.nanoTime() > deadline) {
          throw overloaded;
        }
        log.warning("event=desktop-list-failed reason=\"" + overloaded.getMessage() + "\"");
        Thread.sleep(1000);
        continue;
      }
      Map<String, String> states = new LinkedHashMap<>();
      desktops.forEach(d -> states.put(d.path("id").asString(), d.path("state").asString()));
      boolean all =
          acknowledgements.all().stream()
              .filter(a -> !a.released())
              .allMatch(a -> "RUNNING".equals(states.get(a.desktopId())));
      if (all || System.nanoTime() > deadline) {
        return desktops;
      }
      Thread.sleep(1000);
    }
  }

  public ControlPlaneApi api() {
    return apis.getFirst();
  }

  public List<ControlPlaneApi> apis() {
    return List.copyOf(apis);
  }

  public List<ControlPlaneProcess> replicas() {
    return List.copyOf(replicas);
  }

  public String poolId() {
    return poolId;
  }

  public AdminToken token() {
    return token;
  }

  public Acknowledgements acknowledgements() {
    return acknowledgements;
  }

  public PostgresDatabase database() {
    return database;
  }

  public StormSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (fleet != null) {
      fleet.close();
    }
    replicas.forEach(ControlPlaneProcess::close);
  }
}
