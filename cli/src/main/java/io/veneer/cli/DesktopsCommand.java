package io.veneer.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.veneer.api.v1.DesktopChange;
import io.veneer.api.v1.DesktopServiceGrpc;
import io.veneer.api.v1.WatchDesktopsRequest;
import io.veneer.client.controlplane.api.ConsoleApi;
import io.veneer.client.controlplane.api.DesktopsApi;
import io.veneer.client.controlplane.model.ConsoleTicket;
import io.veneer.client.controlplane.model.CreateDesktop;
import io.veneer.client.controlplane.model.DesktopView;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veneer desktops ...}: your desktops (admins: every desktop). */
@Command(name = "desktops", mixinStandardHelpOptions = true, description = "Desktops.")
final class DesktopsCommand {

  static final List<Output.Column<DesktopView>> COLUMNS =
      List.of(
          new Output.Column<>("ID", DesktopView::getId),
          new Output.Column<>("POOL", DesktopView::getPoolId),
          new Output.Column<>("OWNER", DesktopView::getOwner),
          new Output.Column<>("STATE", DesktopView::getState),
          new Output.Column<>("HOST", DesktopView::getHostId),
          new Output.Column<>("REASON", DesktopView::getFailureReason));

  @Spec CommandSpec spec;

  @Command(name = "list", description = "Your desktops (admins: all).")
  int list() {
    List<DesktopView> desktops =
        ApiCalls.call("Listing desktops", () -> api().listDesktops(null, 500)).getItems();
    Veneer.of(spec).output().many(desktops, COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "request", description = "Gets you a desktop of a pool (yours, if you have one).")
  int request(@Parameters(paramLabel = "POOL", description = "id or name") String pool) {
    PoolsCommand pools = new PoolsCommand();
    pools.spec = spec;
    UUID poolId = pools.find(pool).getId();
    DesktopView desktop =
        ApiCalls.call(
            "Requesting a desktop of " + pool,
            () ->
                api()
                    .requestDesktop(
                        new CreateDesktop().poolId(poolId), UUID.randomUUID().toString()));
    Veneer.of(spec).output().one(desktop, COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "stop", description = "Powers a desktop off, keeping its disks.")
  int stop(@Parameters(paramLabel = "DESKTOP") UUID id) {
    return show(ApiCalls.call("Stopping " + id, () -> api().stopDesktop(id)));
  }

  @Command(name = "restart", description = "Stops a running desktop and starts it again.")
  int restart(@Parameters(paramLabel = "DESKTOP") UUID id) {
    return show(ApiCalls.call("Restarting " + id, () -> api().restartDesktop(id)));
  }

  @Command(name = "logoff", description = "You are done: a pooled desktop is refreshed for others.")
  int logoff(@Parameters(paramLabel = "DESKTOP") UUID id) {
    return show(ApiCalls.call("Logging off " + id, () -> api().logoffDesktop(id)));
  }

  @Command(
      name = "console",
      description = "Prints the web portal's console address of a running desktop.")
  int console(
      @Parameters(paramLabel = "DESKTOP") UUID id,
      @Option(
              names = "--portal",
              defaultValue = "${env:VENEER_PORTAL_URL:-http://127.0.0.1:8082}",
              description = "The web portal's URL (env VENEER_PORTAL_URL)")
          String portal) {
    // The ticket proves the desktop is the caller's and its console can be reached now.
    ConsoleTicket ticket =
        ApiCalls.call(
            "Opening the console of " + id,
            () ->
                new ConsoleApi(Veneer.of(spec).session().controlPlaneClient())
                    .issueConsoleTicket(id));
    Veneer.of(spec).output().stream()
        .println(portal.replaceAll("/+$", "") + "/desktops/" + ticket.getDesktopId() + "/console");
    return ExitCode.OK.code();
  }

  @Command(
      name = "watch",
      description = {
        "Prints every change of your desktops as it happens (gRPC WatchDesktops), one line each.",
        "With --until, stops once the desktop reaches that state (exit 0) or FAILED (exit 1)."
      })
  int watch(
      @Option(names = "--pool", description = "Only this pool's desktops (id)") String pool,
      @Option(names = "--desktop", description = "Only this desktop (id)") String desktop,
      @Option(names = "--until", paramLabel = "STATE", description = "e.g. RUNNING") String until,
      @Option(
              names = "--timeout",
              defaultValue = "0",
              description = "Give up after this many seconds (0: never)")
          long timeoutSeconds) {
    Veneer veneer = Veneer.of(spec);
    Session session = veneer.session();
    ManagedChannel channel = session.grpcChannel();
    try {
      DesktopServiceGrpc.DesktopServiceBlockingStub stub =
          DesktopServiceGrpc.newBlockingStub(channel).withInterceptors(session.grpcCredentials());
      if (timeoutSeconds > 0) {
        stub = stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
      }
      Iterator<DesktopChange> changes =
          stub.watchDesktops(
              WatchDesktopsRequest.newBuilder().setPoolId(pool == null ? "" : pool).build());
      while (changes.hasNext()) {
        DesktopChange change = changes.next();
        if (desktop != null && !desktop.equals(change.getDesktop().getId())) {
          continue;
        }
        String state = WatchLine.state(change.getDesktop().getState());
        veneer.output().stream().println(WatchLine.of(change));
        if (until != null && state.equalsIgnoreCase(until)) {
          return ExitCode.OK.code();
        }
        if (until != null && state.equals("FAILED")) {
          return ExitCode.FAILED.code();
        }
      }
      return ExitCode.OK.code();
    } catch (StatusRuntimeException e) {
      throw GrpcFailures.of("Watching desktops", e);
    } finally {
      channel.shutdownNow();
      awaitQuietly(channel);
    }
  }

  private int show(DesktopView desktop) {
    Veneer.of(spec).output().one(desktop, COLUMNS);
    return ExitCode.OK.code();
  }

  private DesktopsApi api() {
    return new DesktopsApi(Veneer.of(spec).session().controlPlaneClient());
  }

  private static void awaitQuietly(ManagedChannel channel) {
    try {
      channel.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
