package io.veneer.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * The morning login: {@code storm.users} people each ask for a desktop of one pool, arriving evenly
 * over {@code storm.seconds}.
 */
public final class BootStormSimulation extends StormSimulation {

  {
    setUp(
            scenario("boot storm")
                .exec(requestDesktop("storm"))
                .injectOpen(rampUsers(settings.users()).during(settings.duration())))
        .protocols(protocol());
  }

  @Override
  protected String name() {
    return "boot-storm";
  }
}
