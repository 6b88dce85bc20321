package io.veneer.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.veneer.loadtests.report.StormReport;
import io.veneer.loadtests.stack.StormSettings;
import io.veneer.loadtests.stack.StormStack;
import java.time.Instant;

/**
 * What every storm shares: the stack started when the simulation is built (Gatling needs the
 * replicas' addresses for its protocol), measuring from {@link #before}, and in {@link #after} the
 * wait for RUNNING, the report with its consistency check, and the stack stopped.
 */
public abstract class StormSimulation extends Simulation {

  protected final StormSettings settings = StormSettings.fromSystemProperties();
  protected final StormStack stack = start(settings);
  private StormReport report;

  private static StormStack start(StormSettings settings) {
    try {
      return StormStack.start(settings);
    } catch (Exception e) {
      throw new IllegalStateException("The storm's stack did not start: " + e.getMessage(), e);
    }
  }

  /** Requests go to every replica in turn, as through a load balancer. */
  protected HttpProtocolBuilder protocol() {
    return http.baseUrls(stack.apis().stream().map(api -> api.base().toString()).toList())
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        .shareConnections();
  }

  protected String bearer(Session session) {
    return "Bearer " + stack.token().get();
  }

  /**
   * A person's desktop request, by the admin on their behalf; the answer is recorded for the report
   * and the consistency check, the desktop's id kept in the session as {@code desktopId}.
   */
  protected ChainBuilder requestDesktop(String ownerPrefix) {
    return exec(session ->
            session
                .set("owner", ownerPrefix + "-" + session.userId())
                .set("sentAt", Instant.now().toEpochMilli()))
        .exec(
            http("request desktop")
                .post("/api/v1/desktops")
                .header("Authorization", this::bearer)
                .body(
                    StringBody(
                        session ->
                            "{\"poolId\":\""
                                + stack.poolId()
                                + "\",\"owner\":\""
                                + session.getString("owner")
                                + "\"}"))
                .check(status().saveAs("status"), status().is(201))
                .check(jsonPath("$.id").saveAs("desktopId")))
        .exec(
            session -> {
              Instant sent = Instant.ofEpochMilli(session.getLong("sentAt"));
              if (session.contains("desktopId") && !session.isFailed()) {
                stack
                    .acknowledgements()
                    .acknowledged(
                        session.getString("owner"),
                        session.getString("desktopId"),
                        sent,
                        Instant.now());
              } else {
                stack
                    .acknowledgements()
                    .refused(session.contains("status") ? session.getInt("status") : 0);
              }
              return session;
            });
  }

  protected abstract String name();

  @Override
  public void before() {
    try {
      report = StormReport.begin(stack, name());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void after() {
    try {
      report.finish(stack.awaitRunning(settings.runningTimeout()));
    } catch (Exception e) {
      throw new IllegalStateException("The storm's report failed: " + e.getMessage(), e);
    } finally {
      stack.close();
    }
  }
}
