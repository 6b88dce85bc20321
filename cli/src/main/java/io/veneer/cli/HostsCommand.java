package io.veneer.cli;

import io.veneer.client.controlplane.api.HostsApi;
import io.veneer.client.controlplane.model.HostView;
import io.veneer.client.controlplane.model.Resources;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code veneer hosts ...}: hypervisor hosts (admins). */
@Command(
    name = "hosts",
    mixinStandardHelpOptions = true,
    description = "Hypervisor hosts (admins).")
final class HostsCommand {

  static final List<Output.Column<HostView>> COLUMNS =
      List.of(
          new Output.Column<>("ID", HostView::getId),
          new Output.Column<>("STATE", HostView::getState),
          new Output.Column<>("DESKTOPS", HostView::getDesktops),
          new Output.Column<>("VCPUS", h -> usage(h, Resources::getVcpus)),
          new Output.Column<>("MEMORY MIB", h -> usage(h, Resources::getMemoryMib)),
          new Output.Column<>("DISK GIB", h -> usage(h, Resources::getDiskGib)),
          new Output.Column<>("ZONE", HostView::getZone),
          new Output.Column<>("HEARTBEAT", HostView::getLastHeartbeatAt));

  @Spec CommandSpec spec;

  @Command(name = "list", description = "Every host with its usage (allocated/allocatable).")
  int list() {
    Veneer.of(spec).output().many(ApiCalls.call("Listing hosts", () -> api().listHosts()), COLUMNS);
    return ExitCode.OK.code();
  }

  @Command(name = "show", description = "One host.")
  int show(@Parameters(paramLabel = "HOST") String id) {
    return print(ApiCalls.call("Reading host " + id, () -> api().getHost(id)));
  }

  @Command(name = "drain", description = "No new desktops; free ones move elsewhere.")
  int drain(@Parameters(paramLabel = "HOST") String id) {
    return print(ApiCalls.call("Draining " + id, () -> api().drainHost(id)));
  }

  @Command(name = "maintenance", description = "No new desktops; running ones stay.")
  int maintenance(@Parameters(paramLabel = "HOST") String id) {
    return print(
        ApiCalls.call("Putting " + id + " in maintenance", () -> api().putHostInMaintenance(id)));
  }

  @Command(name = "resume", description = "Back in service.")
  int resume(@Parameters(paramLabel = "HOST") String id) {
    return print(ApiCalls.call("Resuming " + id, () -> api().resumeHost(id)));
  }

  @Command(
      name = "fence",
      description =
          "Confirms the host is gone: its desktops are placed elsewhere. Never fence a"
              + " host that may still run guests.")
  int fence(@Parameters(paramLabel = "HOST") String id) {
    return print(ApiCalls.call("Fencing " + id, () -> api().fenceHost(id)));
  }

  @Command(name = "token", description = "Issues a new agent token for the host (shown once).")
  int token(@Parameters(paramLabel = "HOST") String id) {
    Map<String, String> issued =
        ApiCalls.call("Issuing an agent token for " + id, () -> api().issueAgentToken(id));
    Veneer.of(spec)
        .output()
        .one(
            issued,
            List.of(
                new Output.Column<Map<String, String>>("HOST", m -> m.get("hostId")),
                new Output.Column<Map<String, String>>("AGENT TOKEN", m -> m.get("agentToken"))));
    return ExitCode.OK.code();
  }

  private int print(HostView host) {
    Veneer.of(spec).output().one(host, COLUMNS);
    return ExitCode.OK.code();
  }

  private static String usage(HostView host, java.util.function.Function<Resources, Long> of) {
    Long allocated = host.getAllocated() == null ? null : of.apply(host.getAllocated());
    Long allocatable = host.getAllocatable() == null ? null : of.apply(host.getAllocatable());
    return allocated + "/" + allocatable;
  }

  private HostsApi api() {
    return new HostsApi(Veneer.of(spec).session().controlPlaneClient());
  }
}
