package io.veneer.loadtests.report;

import io.veneer.loadtests.report.Acknowledgements.Acknowledged;
import io.veneer.loadtests.stack.ControlPlaneProcess;
import io.veneer.loadtests.stack.StormStack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The figures of one load phase: started before the load ({@link #begin}), finished after it
 * ({@link #finish}), printed and written to {@code target/storm-report-<name>.txt}.
 */
public final class StormReport {

  private final StormStack stack;
  private final String name;
  private final Instant begun = Instant.now();
  private final long commitsBefore;
  private final double placementsBefore;
  private final List<ProcessSampler> samplers = new ArrayList<>();

  private StormReport(StormStack stack, String name) throws SQLException {
    this.stack = stack;
    this.name = name;
    this.commitsBefore = commits();
    this.placementsBefore = placements();
    for (ControlPlaneProcess replica : stack.replicas()) {
      samplers.add(new ProcessSampler(replica.name(), replica.pid()));
    }
  }

  /** Starts measuring: counters read now, /proc sampled from now on. */
  public static StormReport begin(StormStack stack, String name) throws SQLException {
    return new StormReport(stack, name);
  }

  /** The figures since {@link #begin}, with the consistency check over everything acknowledged. */
  public Figures finish(List<JsonNode> desktops) throws SQLException, IOException {
    Instant end = Instant.now();
    double seconds = Duration.between(begun, end).toMillis() / 1000.0;
    List<ProcessSampler.Usage> usage = samplers.stream().map(ProcessSampler::usage).toList();
    samplers.forEach(ProcessSampler::close);
    long commits = commits() - commitsBefore;
    double placed = placements() - placementsBefore;

    List<Acknowledged> acknowledged =
        stack.acknowledgements().all().stream().filter(a -> !a.sentAt().isBefore(begun)).toList();
    List<Long> latency = new ArrayList<>();
    Instant first = end;
    Instant last = begun;
    for (Acknowledged ack : acknowledged) {
      latency.add(Duration.between(ack.sentAt(), ack.answeredAt()).toMillis());
      first = ack.sentAt().isBefore(first) ? ack.sentAt() : first;
      last = ack.answeredAt().isAfter(last) ? ack.answeredAt() : last;
    }
    Map<String, JsonNode> byId = new HashMap<>();
    desktops.forEach(d -> byId.put(d.path("id").asString(), d));
    List<Long> toRunning = new ArrayList<>();
    for (Acknowledged ack : acknowledged) {
      JsonNode desktop = byId.get(ack.desktopId());
      if (!ack.released()
          && desktop != null
          && desktop.path("state").asString().equals("RUNNING")
          && desktop.path("owner").asString("").equals(ack.owner())) {
        Instant running = Instant.parse(desktop.path("updatedAt").asString());
        toRunning.add(Math.max(0, Duration.between(ack.sentAt(), running).toMillis()));
      }
    }
    double requestSeconds = Math.max(0.001, Duration.between(first, last).toMillis() / 1000.0);

    ConsistencyCheck.Result consistency;
    try (Connection db = stack.database().connect()) {
      consistency =
          ConsistencyCheck.check(
              stack.acknowledgements().all(), desktops, stack.api().hosts(), Claim.readAll(db));
    }
    Figures figures =
        new Figures(
            name,
            stack.settings().hosts(),
            stack.settings().replicas(),
            stack.settings().bootTime().toString(),
            desktops.size(),
            acknowledged.size(),
            stack.acknowledgements().refusals(),
            acknowledged.size() / requestSeconds,
            Percentiles.of(latency),
            Percentiles.of(toRunning),
            placed / seconds,
            usage,
            commits / seconds,
            ManagementFactory.getThreadMXBean().getThreadCount(),
            seconds,
            consistency);
    Path file = stack.settings().target().resolve("storm-report-" + name + ".txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, figures.text());
    System.out.println(figures.text());
    return figures;
  }

  /** What one phase measured. */
  public record Figures(
      String name,
      int hosts,
      int replicas,
      String bootTime,
      int desktopsInFleet,
      int acknowledged,
      Map<Integer, Integer> refusedByStatus,
      double requestsPerSecond,
      Percentiles apiLatency,
      Percentiles requestToRunning,
      double placementsPerSecond,
      List<ProcessSampler.Usage> controlPlanes,
      double commitsPerSecond,
      int loadJvmThreads,
      double seconds,
      ConsistencyCheck.Result consistency) {

    public String text() {
      StringBuilder text = new StringBuilder();
      text.append("== storm report: ").append(name).append(" ==\n");
      text.append(
          String.format(
              "fleet: %d simulated hosts (real node agents, boot %s), %d control-plane replicas,"
                  + " %d desktops listed at the end; load JVM threads %d%n",
              hosts, bootTime, replicas, desktopsInFleet, loadJvmThreads));
      text.append(
          String.format(
              "requests: %d acknowledged, refused %s, %.1f requests/s over %.1f s of load%n",
              acknowledged, refusedByStatus, requestsPerSecond, seconds));
      text.append("API latency (request desktop): ").append(apiLatency).append('\n');
      text.append("request to RUNNING: ").append(requestToRunning).append('\n');
      text.append(String.format("placements: %.1f /s%n", placementsPerSecond));
      controlPlanes.forEach(usage -> text.append(usage).append('\n'));
      text.append(String.format("PostgreSQL: %.1f commits/s%n", commitsPerSecond));
      text.append(consistency.summary()).append('\n');
      return text.toString();
    }
  }

  private long commits() throws SQLException {
    try (Connection db = stack.database().connect();
        Statement statement = db.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      row.next();
      return row.getLong(1);
    }
  }

  /** {@code veneer_placements_total{outcome="placed"}}, summed over the replicas. */
  private double placements() {
    HttpClient http = HttpClient.newHttpClient();
    double sum = 0;
    for (ControlPlaneProcess replica : stack.replicas()) {
      URI scrape = replica.managementBase().resolve("/actuator/prometheus");
      try {
        String metrics =
            http.send(HttpRequest.newBuilder(scrape).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : metrics.split("\n")) {
          if (line.startsWith("veneer_placements_total{") && line.contains("outcome=\"placed\"")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read " + scrape, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return sum;
  }
}
