package io.veneer.cli;

import io.veneer.client.controlplane.api.AuditApi;
import io.veneer.client.controlplane.model.AuditEntry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veneer audit}: who changed what and when, newest first (admins). */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Who changed what and when, newest first (admins).")
final class AuditCommand implements Callable<Integer> {

  static final List<Output.Column<AuditEntry>> COLUMNS =
      List.of(
          new Output.Column<>("AT", AuditEntry::getAt),
          new Output.Column<>("ACTOR", AuditEntry::getActor),
          new Output.Column<>("ACTION", AuditEntry::getAction),
          new Output.Column<>("OBJECT", e -> e.getObjectType() + " " + e.getObjectId()),
          new Output.Column<>("DETAIL", AuditEntry::getDetail));

  @Spec CommandSpec spec;

  @Option(names = "--actor", description = "Only this actor's changes")
  String actor;

  @Option(names = "--object-type", description = "e.g. pool, desktop, host")
  String objectType;

  @Option(names = "--object-id", description = "Only this object's changes")
  String objectId;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many (default 50)")
  int limit;

  @Override
  public Integer call() {
    AuditApi api = new AuditApi(Veneer.of(spec).session().controlPlaneClient());
    List<AuditEntry> entries =
        ApiCalls.call(
                "Reading the audit log",
                () -> api.listAuditEntries(actor, objectType, objectId, null, limit))
            .getItems();
    Veneer.of(spec).output().many(entries, COLUMNS);
    return ExitCode.OK.code();
  }
}
