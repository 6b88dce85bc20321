package io.veneer.localstack;

import io.veneer.localstack.parts.GuestReaper;
import io.veneer.localstack.parts.LocalPostgres;
import io.veneer.localstack.process.ProcessRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code ./veneer status}: what runs, from the launcher's records; exit code 0 when up. */
final class StackStatus {

  private final StackLayout layout;
  private final Progress progress;

  StackStatus(StackLayout layout, Progress progress) {
    this.layout = layout;
    this.progress = progress;
  }

  int run() throws IOException {
    Optional<ProcessHandle> launcher = StackDown.launcher(layout);
    Path infoFile = layout.run().resolve("stack.json");
    if (launcher.isEmpty()) {
      progress.say("Veneer is not running (state in " + layout.show(layout.root()) + ").");
    } else if (!Files.exists(infoFile)) {
      progress.say("Veneer is coming up (launcher pid " + launcher.get().pid() + ").");
    } else {
      StackInfo info = StackInfo.read(infoFile);
      progress.say(
          "Veneer is up (launcher pid "
              + launcher.get().pid()
              + ", "
              + info.driver()
              + " driver): REST "
              + info.controlPlane()
              + "/api/v1, images "
              + info.images()
              + ", Kafka "
              + info.kafka()
              + ", portal "
              + info.portal()
              + ", Keycloak "
              + info.keycloak()
              + "/admin");
    }
    for (ProcessRecords.Entry entry : new ProcessRecords(layout.processes()).entries()) {
      progress.say(
          String.format(
              "  %-22s pid %-8d %s",
              entry.name(), entry.pid(), entry.live().isPresent() ? "running" : "gone"));
    }
    LocalPostgres.postmaster(layout.postgresData())
        .ifPresent(
            p -> progress.say(String.format("  %-22s pid %-8d running", "postgres", p.pid())));
    List<Long> guests = GuestReaper.runningGuests(layout.agents());
    progress.say(
        "  " + guests.size() + " QEMU guest(s) running" + (guests.isEmpty() ? "" : " " + guests));
    return launcher.isPresent() ? 0 : 3;
  }
}
