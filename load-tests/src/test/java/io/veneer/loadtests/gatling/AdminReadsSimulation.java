package io.veneer.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * An admin's pages over a full fleet ({@code storm.prefill} desktops placed first): the first 500
 * desktops and every host, {@code storm.reads-per-second} times a second for {@code storm.seconds}.
 */
public final class AdminReadsSimulation extends StormSimulation {

  {
    setUp(
            scenario("admin reads")
                .exec(
                    http("list 500 desktops")
                        .get("/api/v1/desktops?limit=500")
                        .header("Authorization", this::bearer)
                        .check(status().is(200)))
                .exec(
                    http("list hosts")
                        .get("/api/v1/hosts")
                        .header("Authorization", this::bearer)
                        .check(status().is(200)))
                .injectOpen(
                    constantUsersPerSec(Integer.getInteger("storm.reads-per-second", 5))
                        .during(settings.duration())))
        .protocols(protocol());
  }

  @Override
  protected String name() {
    return "admin-reads";
  }
}
