package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * REST {@code /api/v1/pools}: a pool's idle time and schedule are stored and shown; wrong ones are
 * a 400 naming the field, and store nothing.
 */
class PoolPowerRestApiTest extends ControlPlaneSpringTest {

  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);

  @BeforeEach
  void aClient() {
    rest = new RestClientForTests(port);
  }

  private static String poolJson(String name, String power) {
    return """
        {"name":"%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"v1",
         "goldenDigest":"sha256:aa","size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
         "minSize":0,"maxSize":5,"warmSpares":0,"maxConcurrentRefresh":1,
         "entitledUsers":[],"entitledGroups":[]%s}
        """
        .formatted(name, power == null ? "" : ",\"power\":" + power);
  }

  private static String office(String zone, String from, String minSize) {
    return """
        {"idleShutdownMinutes":45,"schedule":{"zone":"%s","periods":[
          {"days":["MON","tuesday","WED","THU","FRI"],"from":"%s","until":"19:00",
           "minSize":%s,"warmSpares":2}]}}
        """
        .formatted(zone, from, minSize);
  }

  @Test
  void aPoolsIdleTimeAndScheduleAreKeptAndShown() {
    RestClientForTests.Response created =
        rest.post(
            "/api/v1/pools", admin, poolJson("office-" + run, office("Europe/Paris", "7:00", "3")));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    JsonNode power =
        rest.get("/api/v1/pools/" + created.body().get("id").asString(), admin)
            .body()
            .get("spec")
            .get("power");
    assertThat(power.get("idleShutdownMinutes").asInt()).isEqualTo(45);
    JsonNode schedule = power.get("schedule");
    assertThat(schedule.get("zone").asString()).isEqualTo("Europe/Paris");
    JsonNode period = schedule.get("periods").get(0);
    assertThat(period.get("days").toString())
        .isEqualTo("[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"]");
    assertThat(period.get("from").asString()).isEqualTo("07:00");
    assertThat(period.get("until").asString()).isEqualTo("19:00");
    assertThat(period.get("minSize").asInt()).isEqualTo(3);
    assertThat(period.get("warmSpares").asInt()).isEqualTo(2);
  }

  @Test
  void aPoolWithoutPowerIsNeverShutDownAndHasNoSchedule() {
    JsonNode power =
        rest.post("/api/v1/pools", admin, poolJson("plain-" + run, null))
            .body()
            .get("spec")
            .get("power");

    assertThat(power.get("idleShutdownMinutes").asInt()).isZero();
    assertThat(power.get("schedule").get("periods").isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an unknown zone        | Mars/Olympus  | 07:00 | 3  | power.schedule.zone: 'Mars/Olympus'",
        "a time out of the day  | Europe/Paris  | 25:00 | 3  | power.schedule.periods[].from: '25:00'",
        "a minimum above max    | Europe/Paris  | 07:00 | 6  | power.schedule.periods[0].minSize: 6",
        "a negative minimum     | Europe/Paris  | 07:00 | -1 | power.schedule.periods[0].minSize",
      })
  void aWrongScheduleIsA400NamingTheFieldAndMakesNoPool(
      String what, String zone, String from, String minSize, String detail) {
    String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);

    RestClientForTests.Response refused =
        rest.post("/api/v1/pools", admin, poolJson(name, office(zone, from, minSize)));

    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.body().get("detail").asString()).contains(detail);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM pool WHERE name = ?", Long.class, name))
        .isZero();
  }

  @Test
  void aNegativeIdleTimeIsA400NamingTheField() {
    RestClientForTests.Response refused =
        rest.post("/api/v1/pools", admin, poolJson("idle-" + run, "{\"idleShutdownMinutes\":-5}"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("detail").asString()).contains("power.idleShutdownMinutes");
  }
}
