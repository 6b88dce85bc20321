package io.veneer.loadtests.stack;

import io.veneer.loadtests.api.ApiException;
import io.veneer.loadtests.api.ControlPlaneApi;
import io.veneer.loadtests.fleet.GoldenBlob;
import io.veneer.loadtests.fleet.SimulatedFleet;
import io.veneer.loadtests.history.EventTap;
import io.veneer.loadtests.history.Fact;
import io.veneer.loadtests.history.History;
import io.veneer.loadtests.report.Acknowledgements;
import io.veneer.testsupport.kafka.InterruptibleKafka;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TcpProxy;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.RestartablePostgres;
import io.veneer.testsupport.postgres.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 *
 * <p>The stack keeps the storm's {@link History}: every request attempt, every guest of the fleet,
 * every event on Kafka (target/histories/storm-&lt;millis&gt;.jsonl).
 */
public final class StormStack implements AutoCloseable {

  private static final Logger log = Logger.getLogger(StormStack.class.getName());
  private static final Duration READY = Duration.ofMinutes(4);
  private static final int SETUP_CONCURRENCY = 16;
  private static final String CLIENT = "storm-admin";

  private final StormSettings settings;
  private final PostgresDatabase database;
  // Null unless the settings ask for a database the fault suite can stop.
  private final RestartablePostgres databaseServer;
  // Null unless the settings ask for a Kafka the fault suite can cut off.
  private final InterruptibleKafka kafka;
  private final List<ControlPlaneProcess> replicas = new ArrayList<>();
  private final List<ControlPlaneApi> apis = new ArrayList<>();
  private final Acknowledgements acknowledgements = new Acknowledgements();
  private final History history;
  private EventTap events;
  private TcpProxy keycloakLink;
  private AdminToken token;
  private SimulatedFleet fleet;
  private String poolId;

  private StormStack(
      StormSettings settings,
      RestartablePostgres databaseServer,
      PostgresDatabase database,
      InterruptibleKafka kafka) {
    this.settings = settings;
    this.databaseServer = databaseServer;
    this.kafka = kafka;
    this.database = database;
    this.history =
        History.create(
            settings
                .target()
                .resolve("histories")
                .resolve("storm-" + System.currentTimeMillis() + ".jsonl"));
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
    RestartablePostgres server =
        settings.faultableServices() ? RestartablePostgres.startNew() : null;
    StormStack stack =
        new StormStack(
            settings,
            server,
            server == null
                ? TestPostgres.freshDatabase(StormStack.class)
                : server.createDatabase("storm"),
            settings.faultableServices() ? InterruptibleKafka.start() : null);
    try {
      stack.startControlPlanes(stack.topics(), realm.join());
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

  private KafkaTopics topics() {
    KafkaTopics topics =
        kafka == null ? TestKafka.freshTopics(StormStack.class) : kafka.topics("storm.");
    List<String> names =
        topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    events = EventTap.start(topics.bootstrapServers(), names, history);
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
    // The replicas fetch Keycloak's keys through a link of their own, which the fault suite cuts;
    // tokens still name the real issuer.
    URI jwks = realm.jwksUri();
    keycloakLink = TcpProxy.onFreePort().forwardTo(jwks.getPort());
    keycloakLink.restore();
    common.put(
        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
        URI.create("http://127.0.0.1:" + keycloakLink.port() + jwks.getRawPath()).toString());
    common.put("spring.security.oauth2.resourceserver.jwt.audiences", VeneerRealm.AUDIENCE);
    common.putAll(settings.controlPlaneSettings());
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
    token = new AdminToken(realm, CLIENT);
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
        int gateway = replicas.get(i % replicas.size()).agentPort();
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
        SimulatedFleet.start(
            members,
            settings.capacity(),
            settings.bootTime(),
            golden(),
            data,
            16,
            history,
            settings.agentEnvironment());
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
    poolId = createPool(settings.prefill() + settings.users() + 1000);
  }

  /** A POOLED pool of the storm's desktops, without spares, of at most {@code maxSize}: its id. */
  public String createPool(int maxSize) {
    return createPool("POOLED", maxSize);
  }

  /** A pool of the storm's desktops of the given kind, without spares: its id. */
  public String createPool(String kind, int maxSize) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "storm-" + UUID.randomUUID());
    spec.put("kind", kind);
    spec.put("goldenImage", "storm-golden");
    spec.put("goldenVersion", "1");
    spec.put("goldenDigest", golden().digest());
    spec.put("size", settings.desktopSize());
    spec.put(
        "hardware",
        Map.of("machine", "q35", "firmware", "bios", "bootMode", "disk", "display", false));
    spec.put("minSize", 0);
    spec.put("maxSize", maxSize);
    spec.put("warmSpares", 0);
    spec.put("maxConcurrentRefresh", 10);
    spec.put("entitledUsers", List.of());
    spec.put("entitledGroups", List.of());
    return api().post("/api/v1/pools", spec).path("id").asString();
  }

  /**
   * An admin orders the hosts UP again where the control plane gave them up as UNREACHABLE.
   *
   * @return those hosts
   */
  public List<String> resumeUnreachable(List<String> hostIds) {
    List<String> resumed = new ArrayList<>();
    for (JsonNode host : api().hosts()) {
      String id = host.path("id").asString();
      if (hostIds.contains(id) && host.path("state").asString().equals("UNREACHABLE")) {
        api().post("/api/v1/hosts/" + id + "/resume", Map.of());
        resumed.add(id);
      }
    }
    return resumed;
  }

  /** The desktop as the control plane shows it once it is in {@code state}, or the timeout. */
  public JsonNode awaitDesktop(String desktopId, String state, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode desktop = api().get("/api/v1/desktops/" + desktopId);
      if (desktop.path("state").asString().equals(state)) {
        return desktop;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Desktop " + desktopId + " not " + state + " within " + timeout + ": " + desktop);
      }
      Thread.sleep(500);
    }
  }

  /** The host's state as the control plane lists it ("" when it lists no such host). */
  public String hostState(String hostId) {
    return api().hosts().stream()
        .filter(host -> host.path("id").asString().equals(hostId))
        .map(host -> host.path("state").asString())
        .findFirst()
        .orElse("");
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

  /** {@link #request(String, String)} from the stack's pool. */
  public void request(String owner) {
    request(poolId, owner);
  }

  /**
   * Requests a desktop of the pool for {@code owner} as the admin, as a careful client does: with
   * an idempotency key, first through the owner's replica, and again with the same key through the
   * next one while no answer comes or the answer says to try again (5xx, 429; not before its {@code
   * Retry-After}), until the running timeout. Each attempt goes into the history; the outcome into
   * the acknowledgements.
   */
  public void request(String pool, String owner) {
    String key = UUID.randomUUID().toString();
    int first = Math.floorMod(owner.hashCode(), apis.size());
    long deadline = System.nanoTime() + settings.runningTimeout().toNanos();
    for (int attempt = 0; ; attempt++) {
      int replica = (first + attempt) % apis.size();
      Instant sent = Instant.now();
      int status;
      String desktopId = "";
      long pauseMillis = Math.min(250L << Math.min(attempt, 3), 2000);
      try {
        desktopId = apis.get(replica).requestDesktop(pool, owner, key).path("id").asString();
        // The create answers 201 Created whenever it answers a desktop (DesktopController).
        status = 201;
      } catch (ApiException e) {
        status = e.status();
        // An outage's 503 says how long to leave the control plane alone: a careful client does.
        pauseMillis = Math.max(pauseMillis, e.retryAfter().map(Duration::toMillis).orElse(0L));
      } catch (RuntimeException noAnswer) {
        status = 0;
      }
      Instant answered = Instant.now();
      history.record(
          new Fact.Request(
              sent, CLIENT, key, owner, replicas.get(replica).name(), answered, status, desktopId));
      if (status == 201) {
        acknowledgements.acknowledged(owner, desktopId, sent, answered);
        return;
      }
      boolean tryAgain = status == 0 || status == 429 || status >= 500;
      if (!tryAgain || System.nanoTime() > deadline) {
        acknowledgements.refused(status);
        return;
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        acknowledgements.refused(status);
        return;
      }
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

  /** The API of the first replica still alive. */
  public ControlPlaneApi api() {
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i).alive()) {
        return apis.get(i);
      }
    }
    throw new IllegalStateException("No control-plane replica is alive");
  }

  public SimulatedFleet fleet() {
    return fleet;
  }

  public History history() {
    return history;
  }

  /**
   * Ends a run of the history: waits for the events to be published and read, records what the
   * outbox wrote since {@code runBegan} and every desktop as the control plane lists them.
   */
  public void recordRunEnd(Instant runBegan, List<JsonNode> desktops) throws Exception {
    events.drainAndRecordWritten(
        database.jdbcUrl(), database.username(), database.password(), runBegan, READY);
    Instant now = Instant.now();
    for (JsonNode desktop : desktops) {
      history.record(
          new Fact.DesktopListed(
              now,
              desktop.path("id").asString(),
              desktop.path("owner").asString(""),
              desktop.path("state").asString(),
              desktop.path("hostId").asString("")));
    }
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

  /**
   * The stack's own PostgreSQL, which a fault stops and starts again.
   *
   * @throws IllegalStateException unless the settings asked for it ({@code faultableServices})
   */
  public RestartablePostgres databaseServer() {
    if (databaseServer == null) {
      throw new IllegalStateException(
          "This stack's database is the shared server: set StormSettings.faultableServices");
    }
    return databaseServer;
  }

  /**
   * The stack's own Kafka, which every client (the replicas' relays and feeds, the history's
   * reader) reaches through a proxy that a fault cuts.
   *
   * @throws IllegalStateException unless the settings asked for it ({@code faultableServices})
   */
  public InterruptibleKafka kafka() {
    if (kafka == null) {
      throw new IllegalStateException(
          "This stack's Kafka is the shared broker: set StormSettings.faultableServices");
    }
    return kafka;
  }

  /** The link the replicas reach Keycloak's keys through: cut, Keycloak is gone for them. */
  public TcpProxy keycloakLink() {
    return keycloakLink;
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
    if (events != null) {
      events.close();
    }
    history.close();
    if (keycloakLink != null) {
      keycloakLink.close();
    }
    if (databaseServer != null) {
      databaseServer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
