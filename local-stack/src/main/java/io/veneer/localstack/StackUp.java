package io.veneer.localstack;

import io.veneer.localstack.DemoSetup.DemoPool;
import io.veneer.localstack.DemoSetup.WarmDesktops;
import io.veneer.localstack.api.ApiException;
import io.veneer.localstack.api.ControlPlaneApi;
import io.veneer.localstack.api.ImagesApi;
import io.veneer.localstack.api.JsonApi;
import io.veneer.localstack.api.PublishedImage;
import io.veneer.localstack.auth.DemoRealm;
import io.veneer.localstack.auth.DemoUser;
import io.veneer.localstack.auth.PasswordGrant;
import io.veneer.localstack.auth.RealmFingerprint;
import io.veneer.localstack.parts.GuestReaper;
import io.veneer.localstack.parts.LocalKafka;
import io.veneer.localstack.parts.LocalKeycloak;
import io.veneer.localstack.parts.LocalPostgres;
import io.veneer.localstack.parts.NodeAgentProcess;
import io.veneer.localstack.parts.SpringService;
import io.veneer.localstack.parts.TinyGolden;
import io.veneer.localstack.process.ChildProcess;
import io.veneer.localstack.process.JavaCommand;
import io.veneer.localstack.process.LogFile;
import io.veneer.localstack.process.ProcessLauncher;
import io.veneer.localstack.process.ShutdownOrder;
import io.veneer.testsupport.keycloak.KeycloakSettings;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./veneer up}: brings every part up in dependency order, each one reported as it starts and
 * when it is ready, and registers it with the {@link ShutdownOrder} the moment it runs, so that a
 * failure (or Ctrl-C) at any point stops exactly what was started.
 */
final class StackUp {

  static final List<String> HOSTS = List.of("local-1", "local-2");

  /** How long an agent started with a kept token may take to be seen connected. */
  private static final Duration KEPT_TOKEN_PATIENCE = Duration.ofSeconds(15);

  private final StackLayout layout;
  private final StackPorts ports;
  private final SourceTree tree;
  private final Map<String, String> env;
  private final Progress progress;
  private final ShutdownOrder order;
  private final ProcessLauncher launcher;
  private final JavaCommand java;
  private final Duration startTimeout;
  private final List<ChildProcess> children = new ArrayList<>();
  private final Map<String, NodeAgentProcess> agents = new LinkedHashMap<>();

  /**
   * The background waits (each part's readiness, the image build): a thread each, as the common
   * pool has fewer workers than waits on a machine with a few cores and would queue them.
   */
  private final Executor waits = Executors.newVirtualThreadPerTaskExecutor();

  StackUp(
      StackLayout layout,
      StackPorts ports,
      SourceTree tree,
      Map<String, String> env,
      Progress progress,
      ShutdownOrder order,
      ProcessLauncher launcher) {
    this.layout = layout;
    this.ports = ports;
    this.tree = tree;
    this.env = env;
    this.progress = progress;
    this.order = order;
    this.launcher = launcher;
    this.java = JavaCommand.current(JavaCommand.archives(env, layout.sharedArchives()));
    this.startTimeout =
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("VENEER_START_TIMEOUT_SECONDS", "240")));
  }

  /**
   * Runs until the JVM is asked to stop. A node agent that dies is started again, as its service
   * manager would on a host (the new agent re-adopts the running guests); any other part that exits
   * on its own is reported.
   */
  void watch() throws InterruptedException, IOException {
    Set<String> reported = new HashSet<>();
    while (!order.stopping()) {
      for (ChildProcess child : List.copyOf(children)) {
        if (child.alive() || order.stopping() || reported.contains(child.name())) {
          continue;
        }
        NodeAgentProcess agent = agents.get(child.name());
        if (agent != null) {
          progress.shout(
              child.name() + " exited (code " + child.exitCode() + "); starting it again");
          children.remove(child);
          child.stop(Duration.ZERO); // it has exited: this only drops its record
          try {
            started(agent.start(launcher, java, child.log()));
          } catch (StartupFailure e) {
            reported.add(child.name());
            progress.failed(e);
          }
        } else {
          reported.add(child.name());
          progress.shout(
              child.name()
                  + " exited (code "
                  + child.exitCode()
                  + "); read "
                  + layout.show(child.log())
                  + ", then ./veneer down and ./veneer up");
        }
      }
      Thread.sleep(1000);
    }
  }

  StackInfo run() throws StartupFailure, IOException, InterruptedException {
    Credentials credentials = Credentials.prepare(layout);
    Jars jars = Jars.preparedFrom(tree, layout.run().resolve("jars"));
    LocalCertificateAuthority tls = new LocalCertificateAuthority(layout.tls()).create();
    ServiceSettings settings = new ServiceSettings(layout, ports, jars, credentials, tls);
    CompletableFuture<TinyGolden> golden = buildTinyGoldenInBackground();
    RealmFingerprint realm =
        RealmFingerprint.of(
            layout.keycloakData(),
            settings.keycloakUrl(),
            settings.portalUrl(),
            credentials.userPasswords());

    // Keycloak is the slowest to start: first, so the others start while it boots.
    Progress.Step keycloakStep = progress.start("keycloak", settings.keycloakUrl().toString());
    ChildProcess keycloak = started(startKeycloak(credentials));
    CompletableFuture<Boolean> realmKept =
        realmWhenReady(keycloakStep, keycloak, settings, credentials, realm);

    Progress.Step kafkaStep = progress.start("kafka", settings.kafkaBootstrap());
    ChildProcess kafka =
        started(
            LocalKafka.start(
                launcher,
                java,
                layout.kafkaData(),
                layout.run().resolve("kafka.properties"),
                ports.kafka(),
                ports.kafkaController(),
                layout.log("kafka")));

    Progress.Step postgresStep = progress.start("postgres", "127.0.0.1:" + ports.postgres());
    LocalPostgres postgres =
        LocalPostgres.start(
            layout.postgresData(),
            ports.postgres(),
            layout.log("postgres"),
            List.of(ServiceSettings.CONTROL_PLANE_DATABASE, ServiceSettings.IMAGES_DATABASE));
    order.add("postgres", postgres::stop);
    postgresStep.ready("data in " + layout.show(layout.postgresData()));

    LocalKafka.awaitReady(kafka, settings.kafkaBootstrap(), startTimeout);
    kafkaStep.ready("topics " + String.join(", ", LocalKafka.TOPICS));

    // The two APIs and the portal need only PostgreSQL and Kafka to start (they read Keycloak's
    // keys and discovery document when first needed): they boot while Keycloak does.
    CompletableFuture<Void> images = boot(settings.images());
    CompletableFuture<Void> controlPlaneReady = boot(settings.controlPlane());
    CompletableFuture<Void> portal = boot(settings.portal());
    ImagesApi imagesApi =
        new ImagesApi(new JsonApi(settings.imagesUrl(), credentials.imagesApiToken()));
    CompletableFuture<PublishedImage> published =
        images
            .thenCombine(golden, (ready, tiny) -> tiny)
            .thenApplyAsync(tiny -> publish(imagesApi, tiny), waits);

    String driver = driver();
    // Registered before the agents, so stopped after them: agents leave their guests running
    // on purpose (a restarted agent re-adopts them), the stack must not.
    order.add("guests", () -> GuestReaper.stopGuests(layout.agents(), Duration.ofSeconds(10)));
    Map<String, LaunchedAgent> early =
        launchAgentsWithKeptTokens(settings, jars, driver, controlPlaneReady);

    boolean kept = await(realmKept);

    String adminToken;
    try {
      adminToken = adminToken(settings, credentials);
    } catch (IOException e) {
      if (!kept) {
        throw new StartupFailure(
            "keycloak",
            e.getMessage(),
            "read the log below",
            layout.log("keycloak"),
            LogFile.tail(layout.log("keycloak"), 20));
      }
      // The realm kept in Keycloak's database is not what the record says: set it up again.
      setUpRealm(settings, credentials, realm);
      adminToken = call("keycloak", () -> adminToken(settings, credentials));
    }
    ControlPlaneApi controlPlane =
        new ControlPlaneApi(new JsonApi(settings.controlPlaneUrl(), adminToken));
    DemoSetup demo = new DemoSetup(controlPlane);
    await(controlPlaneReady);
    PublishedImage image = await(published);

    for (String hostId : HOSTS) {
      call(
          "hosts",
          () -> {
            demo.registerHost(HOSTS, hostId);
            return hostId;
          });
      LaunchedAgent agent = early.get(hostId);
      if (agent != null && agent.connected(controlPlane, KEPT_TOKEN_PATIENCE)) {
        continue;
      }
      if (agent != null) {
        agent.abandon();
        progress.shout(
            "agent "
                + hostId
                + " did not connect with the token kept from the last run; issuing a new one");
      }
      String token = call("hosts", () -> controlPlane.issueAgentToken(hostId));
      Credentials.agentToken(layout, hostId).write(token);
      LaunchedAgent launched = launchAgent(settings, jars, driver, hostId, token);
      if (!launched.connected(controlPlane, Duration.ofSeconds(90))) {
        throw new StartupFailure(
            launched.part(),
            "did not connect to the control plane within 90 s",
            "read the log below; the control plane's log may say why it refused the agent",
            launched.process().log(),
            LogFile.tail(launched.process().log(), 15));
      }
    }

    Progress.Step poolStep =
        progress.start("demo pool", DemoSetup.WARM_DESKTOPS + " warm desktops");
    DemoPool pool = call("demo pool", () -> demo.ensurePool(image));
    WarmDesktops warm =
        call(
            "demo pool",
            () -> demo.awaitWarmDesktops(pool.id(), Duration.ofSeconds(60), startTimeout));
    reportWarmDesktops(poolStep, pool, warm);
    await(portal);

    Map<String, String> passwords = new LinkedHashMap<>();
    Map<String, String> userIds = new LinkedHashMap<>();
    for (DemoUser user : DemoUser.ALL) {
      passwords.put(user.name(), credentials.passwordOf(user));
      userIds.put(user.name(), user.id());
    }
    StackInfo info =
        new StackInfo(
            settings.controlPlaneUrl().toString(),
            settings.imagesUrl().toString(),
            settings.kafkaBootstrap(),
            settings.agentGateway(),
            settings.apiGrpc(),
            tls.caCertificate().toString(),
            driver,
            HOSTS,
            pool.id(),
            image.digest(),
            settings.keycloakUrl().toString(),
            settings.tokenEndpoint().toString(),
            settings.portalUrl().toString(),
            Credentials.KEYCLOAK_ADMIN,
            credentials.keycloakAdminPassword(),
            passwords,
            userIds,
            settings.controlPlaneManagementUrl().toString());
    info.write(layout.run().resolve("stack.json"));
    return info;
  }

  private static String adminToken(ServiceSettings settings, Credentials credentials)
      throws IOException, InterruptedException {
    return PasswordGrant.accessToken(
        settings.tokenEndpoint(), DemoUser.ADMIN.name(), credentials.passwordOf(DemoUser.ADMIN));
  }

  /**
   * Waits for Keycloak beside the rest, so that its line says when it was ready, then sets the
   * realm up unless the last run's is kept; completes with whether it was kept.
   */
  private CompletableFuture<Boolean> realmWhenReady(
      Progress.Step step,
      ChildProcess keycloak,
      ServiceSettings settings,
      Credentials credentials,
      RealmFingerprint realm) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            LocalKeycloak.awaitReady(keycloak, ports.keycloakManagement(), startTimeout);
            boolean kept = realm.unchanged();
            if (!kept) {
              setUpRealm(settings, credentials, realm);
            }
            step.ready(
                "realm "
                    + DemoRealm.REALM
                    + (kept ? " as the last run set it up" : "")
                    + ", users "
                    + String.join(", ", DemoUser.ALL.stream().map(DemoUser::name).toList()));
            return kept;
          } catch (StartupFailure e) {
            throw new CompletionException(e);
          } catch (IOException e) {
            throw new CompletionException(
                new StartupFailure(
                    "keycloak",
                    "cannot read or record its realm's set-up: " + e.getMessage(),
                    "check the state directory " + layout.show(layout.keycloakData())));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        },
        waits);
  }

  private ChildProcess startKeycloak(Credentials credentials) throws StartupFailure, IOException {
    KeycloakSettings keycloak;
    try {
      keycloak = KeycloakSettings.load();
    } catch (RuntimeException e) {
      throw new StartupFailure(
          "keycloak", "cannot find its server: " + e.getMessage(), "see local-stack/README.md");
    }
    Path javaHome = keycloak.javaHome().orElse(Path.of(System.getProperty("java.home")));
    Path home = LocalKeycloak.home(keycloak, javaHome, layout.log("keycloak"));
    return LocalKeycloak.start(
        launcher,
        home,
        javaHome,
        ports.keycloakHttp(),
        ports.keycloakManagement(),
        Credentials.KEYCLOAK_ADMIN,
        credentials.keycloakAdminPassword(),
        layout.run().resolve("keycloak"),
        layout.keycloakData(),
        java.archiveOptions("keycloak"),
        layout.log("keycloak"));
  }

  /**
   * The veneer realm, its clients and the demo users, set up (again) and recorded as set up, so
   * that the next start with the same code, ports and passwords keeps it.
   */
  private void setUpRealm(
      ServiceSettings settings, Credentials credentials, RealmFingerprint fingerprint)
      throws StartupFailure, IOException {
    try {
      DemoRealm.setUp(
          settings.keycloakUrl(),
          Credentials.KEYCLOAK_ADMIN,
          credentials.keycloakAdminPassword(),
          settings.portalUrl(),
          credentials.userPasswords());
      fingerprint.record();
    } catch (RuntimeException e) {
      throw new StartupFailure(
          "keycloak",
          "could not set up the " + DemoRealm.REALM + " realm: " + e,
          "read the log below",
          layout.log("keycloak"),
          LogFile.tail(layout.log("keycloak"), 20));
    }
  }

  private CompletableFuture<TinyGolden> buildTinyGoldenInBackground() {
    Path directory = TinyGolden.defaultDirectory(env);
    Progress.Step step = progress.start("tiny golden image", "build into " + directory);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            TinyGolden built =
                TinyGolden.build(
                    tree.tinyGoldenScript(),
                    directory,
                    layout.log("tiny-golden"),
                    Duration.ofMinutes(10));
            step.ready("built");
            return built;
          } catch (StartupFailure e) {
            throw new CompletionException(e);
          } catch (IOException e) {
            throw new CompletionException(
                new StartupFailure(
                    "tiny golden image", "cannot run its build: " + e.getMessage(), "see the log"));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        },
        waits);
  }

  /** Starts the service and reports it ready in the background; a failure ends the future. */
  private CompletableFuture<Void> boot(SpringService service) throws StartupFailure, IOException {
    Progress.Step step =
        progress.start(service.name(), service.readiness().resolve("/").toString());
    ChildProcess process = started(service.start(launcher, java, layout.log(service.name())));
    return CompletableFuture.runAsync(
        () -> {
          try {
            service.awaitReady(process, startTimeout);
            step.ready("log " + layout.show(process.log()));
          } catch (StartupFailure e) {
            throw new CompletionException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        },
        waits);
  }

  /** The tiny golden image imported and published through the images API (its own token). */
  private PublishedImage publish(ImagesApi imagesApi, TinyGolden tiny) {
    Progress.Step step = progress.start("golden image import", "through the images API");
    try {
      PublishedImage image = call("tiny golden image", () -> DemoSetup.publish(imagesApi, tiny));
      step.ready(image.imageName() + " v" + image.number() + " " + image.digest());
      return image;
    } catch (StartupFailure e) {
      throw new CompletionException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /**
   * On a later run, when every host kept the token its agent last got, the agents start as soon as
   * the control plane answers, so that their guests boot while Keycloak does; whether they
   * connected is checked once an admin token can ask.
   */
  private Map<String, LaunchedAgent> launchAgentsWithKeptTokens(
      ServiceSettings settings, Jars jars, String driver, CompletableFuture<Void> controlPlaneReady)
      throws StartupFailure, IOException, InterruptedException {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String hostId : HOSTS) {
      Credentials.agentToken(layout, hostId).read().ifPresent(token -> kept.put(hostId, token));
    }
    if (kept.size() < HOSTS.size()) {
      return Map.of();
    }
    await(controlPlaneReady);
    Map<String, LaunchedAgent> launched = new LinkedHashMap<>();
    for (Map.Entry<String, String> host : kept.entrySet()) {
      launched.put(
          host.getKey(), launchAgent(settings, jars, driver, host.getKey(), host.getValue()));
    }
    return launched;
  }

  private LaunchedAgent launchAgent(
      ServiceSettings settings, Jars jars, String driver, String hostId, String token)
      throws StartupFailure, IOException {
    NodeAgentProcess agent =
        new NodeAgentProcess(hostId, jars.nodeAgent(), settings.agent(hostId, token, driver));
    String part = "agent " + hostId;
    Progress.Step step = progress.start(part, driver + " driver");
    Instant begin = Instant.now();
    ChildProcess process =
        started(agent.start(launcher, java, layout.log("agent-" + agent.hostId())));
    agents.put(process.name(), agent);
    return new LaunchedAgent(hostId, part, step, begin, process);
  }

  /** An agent process started at {@code begin}, not yet seen connected. */
  private final class LaunchedAgent {
    private final String hostId;
    private final String part;
    private final Progress.Step step;
    private final Instant begin;
    private final ChildProcess process;

    LaunchedAgent(
        String hostId, String part, Progress.Step step, Instant begin, ChildProcess process) {
      this.hostId = hostId;
      this.part = part;
      this.step = step;
      this.begin = begin;
      this.process = process;
    }

    String part() {
      return part;
    }

    ChildProcess process() {
      return process;
    }

    /** Whether it sent a heartbeat since it started, within {@code patience}. */
    boolean connected(ControlPlaneApi controlPlane, Duration patience)
        throws StartupFailure, InterruptedException {
      long deadline = System.nanoTime() + patience.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.alive()) {
          throw new StartupFailure(
              part,
              "exited with code " + process.exitCode() + " before it connected",
              "read the log below (exit code 2 names a bad setting)",
              process.log(),
              LogFile.tail(process.log(), 15));
        }
        var heartbeat = call(part, () -> controlPlane.lastHeartbeat(hostId));
        if (heartbeat.isPresent() && heartbeat.get().isAfter(begin)) {
          step.ready("connected; data in " + layout.show(layout.agentData(hostId)));
          return true;
        }
        Thread.sleep(250);
      }
      return false;
    }

    /** Stops it, so that an agent with another token can take its place. */
    void abandon() throws IOException, InterruptedException {
      agents.remove(process.name());
      children.remove(process);
      process.stop(Duration.ofSeconds(10));
    }
  }

  private void reportWarmDesktops(Progress.Step step, DemoPool pool, WarmDesktops warm)
      throws StartupFailure {
    for (JsonNode desktop : warm.desktops()) {
      if (desktop.path("state").asString().equals("FAILED")) {
        throw new StartupFailure(
            "demo pool",
            "desktop "
                + desktop.path("id").asString()
                + " FAILED: "
                + desktop.path("failureReason").asString(""),
            "its guest's console is "
                + layout.show(
                    layout
                        .agentData(desktop.path("hostId").asString())
                        .resolve("desktops")
                        .resolve(desktop.path("id").asString())
                        .resolve("console.log"))
                + "; the agent logs are in "
                + layout.show(layout.logs()));
      }
    }
    String created = pool.created() ? "created" : "exists";
    if (!warm.controllerSeen()) {
      progress.shout(
          "The control plane created no desktops for the demo pool: its pool controller did not"
              + " act. Request one yourself with the curl below.");
    } else if (warm.running() < DemoSetup.WARM_DESKTOPS) {
      progress.shout(
          warm.running()
              + " of "
              + DemoSetup.WARM_DESKTOPS
              + " warm desktops are RUNNING so far; the rest are still booting (./veneer status"
              + " shows them).");
    }
    step.ready(created + ", " + warm.running() + " RUNNING, id " + pool.id());
  }

  /** qemu when QEMU is installed (or as VENEER_DRIVER says); otherwise simulated, loudly. */
  private String driver() {
    String configured = env.getOrDefault("VENEER_DRIVER", "");
    if (!configured.isBlank()) {
      return configured.strip();
    }
    String qemu = env.getOrDefault("VENEER_QEMU_SYSTEM", "qemu-system-x86_64");
    if (onPath(qemu)) {
      return "qemu";
    }
    progress.shout(
        "SIMULATED DESKTOPS: "
            + qemu
            + " is not installed, so the node agents run no real guests. Install it (apt-get"
            + " install qemu-system-x86) and run ./veneer up again for real QEMU guests.");
    return "simulated";
  }

  private boolean onPath(String binary) {
    if (binary.contains("/")) {
      return Files.isExecutable(Path.of(binary));
    }
    for (String dir : env.getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  private ChildProcess started(ChildProcess child) {
    // A JVM without its class-data archive writes it as it exits (once): give it the time.
    Duration grace =
        java.writesArchiveAtExit(child.name()) ? Duration.ofSeconds(120) : Duration.ofSeconds(20);
    order.add(child.name(), () -> child.stop(grace));
    children.add(child);
    return child;
  }

  /** A REST call of the stack; a refusal becomes the failure of {@code part}. */
  private <T> T call(String part, ApiCall<T> call) throws StartupFailure, InterruptedException {
    try {
      return call.run();
    } catch (ApiException | IOException e) {
      throw new StartupFailure(
          part,
          e.getMessage(),
          "read the services' logs in " + layout.show(layout.logs()),
          null,
          List.of());
    }
  }

  @FunctionalInterface
  private interface ApiCall<T> {
    T run() throws ApiException, IOException, InterruptedException;
  }

  private static <T> T await(CompletableFuture<T> future)
      throws StartupFailure, InterruptedException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof StartupFailure failure) {
        throw failure;
      }
      if (e.getCause() instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      throw e;
    }
  }
}
