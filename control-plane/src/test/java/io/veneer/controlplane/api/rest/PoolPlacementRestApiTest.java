package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * REST {@code /api/v1/pools}: a pool's placement rules are stored and shown; wrong ones are 400.
 */
class PoolPlacementRestApiTest extends ControlPlaneSpringTest {

  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);

  @BeforeEach
  void aClient() {
    rest = new RestClientForTests(port);
  }

  private static String poolJson(String name, String placement) {
    return """
        {"name":"%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"v1",
         "goldenDigest":"sha256:aa","size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
         "minSize":0,"maxSize":5,"warmSpares":0,"maxConcurrentRefresh":1,
         "entitledUsers":[],"entitledGroups":[]%s}
        """
        .formatted(name, placement == null ? "" : ",\"placement\":" + placement);
  }

  @Test
  void aPoolsRequiredLabelsAndZoneAreKeptAndShown() {
    RestClientForTests.Response created =
        rest.post(
            "/api/v1/pools",
            admin,
            poolJson(
                "cad-" + run, "{\"requiredLabels\":{\"gpu\":\"true\"},\"requiredZone\":\"z1\"}"));

    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    JsonNode placement =
        rest.get("/api/v1/pools/" + created.body().get("id").asString(), admin)
            .body()
            .get("spec")
            .get("placement");
    assertThat(placement.get("requiredLabels").get("gpu").asString()).isEqualTo("true");
    assertThat(placement.get("requiredZone").asString()).isEqualTo("z1");
  }

  @Test
  void aPoolWithoutRulesMayRunAnywhere() {
    RestClientForTests.Response created =
        rest.post("/api/v1/pools", admin, poolJson("any-" + run, null));

    JsonNode placement = created.body().get("spec").get("placement");
    assertThat(placement.get("requiredLabels").isEmpty()).isTrue();
    assertThat(placement.get("requiredZone").asString()).isEmpty();
  }

  @Test
  void aLabelThatCannotBeStoredIsA400AndMakesNoPool() {
    RestClientForTests.Response refused =
        rest.post(
            "/api/v1/pools",
            admin,
            poolJson("bad-" + run, "{\"requiredLabels\":{\"gpu\":\"a,b\"}}"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("detail").asString()).contains("gpu=a,b");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name = ?", Long.class, "bad-" + run))
        .isZero();
  }
}
