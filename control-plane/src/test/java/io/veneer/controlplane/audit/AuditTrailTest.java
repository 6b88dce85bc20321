package io.veneer.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.api.rest.RestClientForTests;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Every state-changing call leaves who, what, which object and when; only admins read it. */
class AuditTrailTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String adminName = "auditor-" + run;
  private final String admin = TestTokens.admin(adminName);
  private final String alice = "alice-" + run;
  private final String aliceToken = TestTokens.user(alice);
  private RestClientForTests rest;
  private String poolId;

  @BeforeEach
  void aPoolForAlice() {
    rest = new RestClientForTests(port);
    hosts.register(
        new HostRegistration("audit-host-" + run, new Resources(16, 65_536, 1_000), Map.of(), ""));
    RestClientForTests.Response pool =
        rest.post(
            "/api/v1/pools",
            admin,
            """
            {"name":"audited-%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"v1",
             "goldenDigest":"sha256:aa","size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
             "minSize":0,"maxSize":2,"warmSpares":0,"maxConcurrentRefresh":1,
             "entitledUsers":["%s"],"entitledGroups":[]}
            """
                .formatted(run, alice));
    assertThat(pool.status()).isEqualTo(201);
    poolId = pool.body().get("id").asString();
  }

  @Test
  void aDesktopsChangesAreListedNewestFirstWithTheirActor() {
    String desktop =
        rest.post("/api/v1/desktops", aliceToken, "{\"poolId\":\"" + poolId + "\"}")
            .body()
            .get("id")
            .asString();
    assertThat(rest.post("/api/v1/desktops/" + desktop + "/stop", aliceToken, "").status())
        .isEqualTo(200);
    assertThat(rest.call("DELETE", "/api/v1/desktops/" + desktop, aliceToken, null, null).status())
        .isEqualTo(200);
    assertThat(rest.post("/api/v1/desktops/" + desktop + "/start", aliceToken, "").status())
        .as("refused: a deleting desktop cannot start, and leaves no entry")
        .isEqualTo(409);

    JsonNode page = rest.get("/api/v1/audit?objectType=desktop&objectId=" + desktop, admin).body();

    List<JsonNode> entries = StreamSupport.stream(page.get("items").spliterator(), false).toList();
    assertThat(entries)
        .extracting(e -> e.get("action").asString())
        .containsExactly("desktop.delete", "desktop.stop", "desktop.request");
    assertThat(entries).allSatisfy(e -> assertThat(e.get("actor").asString()).isEqualTo(alice));
    assertThat(entries.getFirst().get("detail").asString()).endsWith("-> DELETING");
    assertThat(entries.getFirst().get("at").asString()).isNotBlank();
  }

  @Test
  void poolAndHostChangesAreAuditedUnderTheAdmin() {
    String host = "audit-host-" + run;
    assertThat(rest.post("/api/v1/hosts/" + host + "/drain", admin, "").status()).isEqualTo(200);

    JsonNode byAdmin = rest.get("/api/v1/audit?actor=" + adminName, admin).body();

    assertThat(StreamSupport.stream(byAdmin.get("items").spliterator(), false))
        .extracting(e -> e.get("action").asString() + " " + e.get("objectId").asString())
        .containsExactly("host.draining " + host, "pool.create " + poolId);
  }

  @Test
  void onlyAdminsReadTheAuditLog() {
    RestClientForTests.Response asUser = rest.get("/api/v1/audit", aliceToken);

    assertThat(asUser.status()).isEqualTo(403);
    assertThat(asUser.contentType()).startsWith("application/problem+json");
    assertThat(rest.get("/api/v1/audit", null).status()).isEqualTo(401);
  }

  @Test
  void pagesFollowTheCursorWithoutRepeats() {
    for (int i = 0; i < 3; i++) {
      rest.post("/api/v1/hosts/audit-host-" + run + "/maintenance", admin, "");
    }
    JsonNode first = rest.get("/api/v1/audit?actor=" + adminName + "&limit=2", admin).body();
    JsonNode second =
        rest.get(
                "/api/v1/audit?actor="
                    + adminName
                    + "&limit=2&cursor="
                    + first.get("nextCursor").asString(),
                admin)
            .body();

    assertThat(first.get("items").size()).isEqualTo(2);
    assertThat(second.get("items").size()).isEqualTo(2);
    assertThat(second.get("nextCursor").isNull()).isTrue();
    assertThat(second.get("items").get(1).get("action").asString()).isEqualTo("pool.create");
  }
}
