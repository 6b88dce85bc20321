package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * REST {@code /api/v1/pools}: a pool's user-data disk size is stored, shown and replaced by a
 * {@code PUT}; a size outside 0 to 16 TiB is a 400 naming the field that changes nothing.
 */
class PoolUserDataRestApiTest extends ControlPlaneSpringTest {

  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);

  @BeforeEach
  void aClient() {
    rest = new RestClientForTests(port);
  }

  private static String poolJson(String name, String userData) {
    return """
        {"name":"%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"v1",
         "goldenDigest":"sha256:aa","size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
         "minSize":0,"maxSize":5,"warmSpares":0,"maxConcurrentRefresh":1,
         "entitledUsers":[],"entitledGroups":[]%s}
        """
        .formatted(name, userData == null ? "" : ",\"userDataDiskGib\":" + userData);
  }

  @Test
  void aPoolsUserDataDiskSizeIsKeptShownAndReplacedByAPut() {
    RestClientForTests.Response created =
        rest.post("/api/v1/pools", admin, poolJson("data-" + run, "20"));
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    String id = created.body().get("id").asString();
    assertThat(
            rest.get("/api/v1/pools/" + id, admin)
                .body()
                .get("spec")
                .get("userDataDiskGib")
                .asLong())
        .isEqualTo(20);

    RestClientForTests.Response replaced =
        rest.put("/api/v1/pools/" + id, admin, poolJson("data-" + run, null));

    assertThat(replaced.status()).as("%s", replaced.body()).isEqualTo(200);
    assertThat(replaced.body().get("spec").get("userDataDiskGib").asLong())
        .as("a PUT without it gives none")
        .isZero();
  }

  @ParameterizedTest(name = "{0} GiB")
  @ValueSource(strings = {"-1", "16385"})
  void aWrongSizeIsA400NamingTheFieldAndMakesNoPool(String gib) {
    String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);

    RestClientForTests.Response refused = rest.post("/api/v1/pools", admin, poolJson(name, gib));

    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
    assertThat(refused.body().get("detail").asString()).contains("userDataDiskGib");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM pool WHERE name = ?", Long.class, name))
        .isZero();
  }

  @Test
  void aWrongSizeInAPutIsA400ThatLeavesThePoolAsItWas() {
    String id =
        rest.post("/api/v1/pools", admin, poolJson("kept-" + run, "8")).body().get("id").asString();

    RestClientForTests.Response refused =
        rest.put("/api/v1/pools/" + id, admin, poolJson("kept-" + run, "-3"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(
            jdbc.queryForObject(
                "SELECT user_data_disk_gib FROM pool WHERE id = ?::uuid", Long.class, id))
        .isEqualTo(8);
  }
}
