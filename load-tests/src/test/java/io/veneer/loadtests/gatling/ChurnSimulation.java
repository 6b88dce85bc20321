package io.veneer.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;

/**
 * Steady churn: people arrive at a constant rate ({@code storm.users} over {@code storm.seconds}),
 * each gets a desktop, uses it for {@code storm.use-seconds}, and logs off, which gives it back to
 * the pool to be refreshed for the next person; every fourth deletes it instead.
 */
public final class ChurnSimulation extends StormSimulation {

  private final Duration use = Duration.ofSeconds(Integer.getInteger("storm.use-seconds", 20));

  {
    double perSecond = (double) settings.users() / settings.duration().toSeconds();
    setUp(
            scenario("churn")
                .exec(requestDesktop("churn"))
                .exitHereIfFailed()
                .pause(use)
                .doIfOrElse(session -> session.userId() % 4 == 0)
                .then(
                    exec(
                        http("delete")
                            .delete("/api/v1/desktops/#{desktopId}")
                            .header("Authorization", this::bearer)
                            .check(status().is(200))))
                .orElse(
                    exec(
                        http("log off")
                            .post("/api/v1/desktops/#{desktopId}/logoff")
                            .header("Authorization", this::bearer)
                            .check(status().is(200))))
                .exec(
                    session -> {
                      stack.acknowledgements().released(session.getString("desktopId"));
                      return session;
                    })
                .injectOpen(constantUsersPerSec(perSecond).during(settings.duration())))
        .protocols(protocol());
  }

  @Override
  protected String name() {
    return "churn";
  }
}
