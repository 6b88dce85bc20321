package io.veneer.controlplane.placement;

import io.veneer.controlplane.ControlPlaneApplication;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Two control-plane replicas on one database, as separate application contexts. */
final class TwoReplicas implements AutoCloseable {

  final ConfigurableApplicationContext a;
  final ConfigurableApplicationContext b;

  TwoReplicas(PostgresDatabase db, String... settings) {
    this.a = replica(db, settings);
    this.b = replica(db, settings);
  }

  private static ConfigurableApplicationContext replica(PostgresDatabase db, String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--server.port=0",
                "--veneer.agents.grpc-port=-1",
                "--veneer.api.grpc-port=-1",
                // The tests place desktops themselves; a pool controller would race them for them.
                "--veneer.reconciler.enabled=false"));
    // Command-line arguments outrank application.yaml, as the settings of a real replica would.
    args.addAll(List.of(settings));
    return new SpringApplicationBuilder(ControlPlaneApplication.class)
        .run(args.toArray(String[]::new));
  }

  @Override
  public void close() {
    b.close();
    a.close();
  }
}
