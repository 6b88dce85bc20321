package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** REST {@code /api/v1}: who may do what, problem+json errors, pagination and idempotency. */
class DesktopsRestApiTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);
  private final String alice = "alice-" + run;
  private final String bob = "bob-" + run;
  private final String aliceToken = TestTokens.user(alice);
  private final String bobToken = TestTokens.user(bob);
  private String poolId;

  @BeforeEach
  void aPoolForAliceAndBob() {
    rest = new RestClientForTests(port);
    hosts.register(
        new HostRegistration("rest-host-" + run, new Resources(64, 262_144, 4_000), Map.of(), ""));
    RestClientForTests.Response pool =
        rest.post("/api/v1/pools", admin, poolJson("office-" + run, alice, bob));
    assertThat(pool.status()).isEqualTo(201);
    poolId = pool.body().get("id").asString();
  }

  private static String poolJson(String name, String... users) {
    return """
        {"name":"%s","kind":"POOLED","goldenImage":"win11","goldenVersion":"v1",
         "goldenDigest":"sha256:aa","size":{"vcpus":2,"memoryMib":4096,"diskGib":40},
         "minSize":0,"maxSize":10,"warmSpares":0,"maxConcurrentRefresh":1,
         "entitledUsers":[%s],"entitledGroups":[]}
        """
        .formatted(
            name,
            Set.of(users).stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(",")));
  }

  private String createDesktop(String token) {
    RestClientForTests.Response created =
        rest.post("/api/v1/desktops", token, "{\"poolId\":\"" + poolId + "\"}");
    assertThat(created.status()).isEqualTo(201);
    return created.body().get("id").asString();
  }

  @Test
  void aUserCreatesADesktopThatIsPlacedOnAHost() {
    RestClientForTests.Response created =
        rest.post("/api/v1/desktops", aliceToken, "{\"poolId\":\"" + poolId + "\"}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("owner").asString()).isEqualTo(alice);
    assertThat(created.body().get("state").asString()).isEqualTo("SCHEDULED");
    assertThat(created.body().get("hostId").asString()).isNotBlank();
    assertThat(Instant.parse(created.body().get("updatedAt").asString()))
        .as("placed after it was requested")
        .isAfterOrEqualTo(Instant.parse(created.body().get("createdAt").asString()));
  }

  @Test
  void userBCannotReadStartStopOrDeleteUserAsDesktop() {
    String desktop = createDesktop(aliceToken);
    String path = "/api/v1/desktops/" + desktop;

    assertThat(rest.get(path, bobToken).status()).isEqualTo(404);
    assertThat(rest.post(path + "/start", bobToken, null).status()).isEqualTo(404);
    assertThat(rest.post(path + "/stop", bobToken, null).status()).isEqualTo(404);
    assertThat(rest.delete(path, bobToken).status()).isEqualTo(404);
    assertThat(ids(rest.get("/api/v1/desktops", bobToken))).doesNotContain(desktop);

    assertThat(rest.get(path, aliceToken).status()).isEqualTo(200);
    assertThat(rest.get(path, admin).status()).isEqualTo(200);
    assertThat(ids(rest.get("/api/v1/desktops", aliceToken))).contains(desktop);
    assertThat(rest.get(path, aliceToken).body().get("state").asString()).isEqualTo("SCHEDULED");
  }

  @Test
  void aUserCannotCreateForAnotherUserNorUseAPoolTheyAreNotEntitledTo() {
    assertThat(
            rest.post(
                    "/api/v1/desktops",
                    bobToken,
                    "{\"poolId\":\"" + poolId + "\",\"owner\":\"" + alice + "\"}")
                .status())
        .isEqualTo(403);
    String carol = TestTokens.user("carol-" + run);
    assertThat(rest.post("/api/v1/desktops", carol, "{\"poolId\":\"" + poolId + "\"}").status())
        .isEqualTo(404);
    assertThat(rest.get("/api/v1/pools/" + poolId, carol).status()).isEqualTo(404);
    assertThat(rest.get("/api/v1/pools/" + poolId, aliceToken).status()).isEqualTo(200);
  }

  @Test
  void aUserSeesOnlyTheirOwnEntitlementsOfAPoolAndAnAdminSeesThemAll() {
    String teams =
        rest.post(
                "/api/v1/pools",
                admin,
                poolJson("teams-" + run, alice, bob)
                    .replace("\"entitledGroups\":[]", "\"entitledGroups\":[\"sales\",\"design\"]"))
            .body()
            .get("id")
            .asString();
    String carolInDesign = TestTokens.user("carol-" + run, "design");

    assertThat(entitlements(rest.get("/api/v1/pools/" + teams, aliceToken).body()))
        .containsExactly("user " + alice);
    assertThat(entitlements(listed(teams, aliceToken))).containsExactly("user " + alice);
    assertThat(entitlements(rest.get("/api/v1/pools/" + teams, carolInDesign).body()))
        .containsExactly("group design");
    assertThat(entitlements(listed(teams, carolInDesign))).containsExactly("group design");
    assertThat(entitlements(rest.get("/api/v1/pools/" + teams, admin).body()))
        .containsExactlyInAnyOrder("user " + alice, "user " + bob, "group sales", "group design");
    assertThat(entitlements(listed(teams, admin)))
        .containsExactlyInAnyOrder("user " + alice, "user " + bob, "group sales", "group design");
  }

  private JsonNode listed(String poolId, String token) {
    List<JsonNode> found = new ArrayList<>();
    rest.get("/api/v1/pools?limit=500", token)
        .body()
        .get("items")
        .forEach(
            pool -> {
              if (pool.get("id").asString().equals(poolId)) {
                found.add(pool);
              }
            });
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  private static List<String> entitlements(JsonNode pool) {
    List<String> named = new ArrayList<>();
    pool.get("spec").get("entitledUsers").forEach(user -> named.add("user " + user.asString()));
    pool.get("spec").get("entitledGroups").forEach(group -> named.add("group " + group.asString()));
    return named;
  }

  @Test
  void onlyAdminsManagePoolsAndHosts() {
    assertThat(rest.post("/api/v1/pools", aliceToken, poolJson("mine-" + run, alice)).status())
        .isEqualTo(403);
    assertThat(rest.get("/api/v1/hosts", aliceToken).status()).isEqualTo(403);
    assertThat(rest.get("/api/v1/hosts/rest-host-" + run, aliceToken).status()).isEqualTo(403);
    assertThat(
            rest.post(
                    "/api/v1/hosts",
                    aliceToken,
                    "{\"hostId\":\"x\",\"capacity\":{\"vcpus\":1,\"memoryMib\":1,\"diskGib\":1}}")
                .status())
        .isEqualTo(403);
    assertThat(rest.get("/api/v1/hosts/rest-host-" + run, admin).status()).isEqualTo(200);
  }

  @Test
  void anonymousCallersAndForgedTokensAreRejected() {
    assertThat(rest.get("/api/v1/desktops", null).status()).isEqualTo(401);
    assertThat(rest.get("/api/v1/desktops", aliceToken + "x").status()).isEqualTo(401);
  }

  @Test
  void anIllegalTransitionIsAConflictNamingTheCurrentState() {
    String desktop = createDesktop(aliceToken);
    assertThat(rest.delete("/api/v1/desktops/" + desktop, aliceToken).status()).isEqualTo(200);

    RestClientForTests.Response refused =
        rest.post("/api/v1/desktops/" + desktop + "/start", aliceToken, null);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().get("currentState").asString()).isEqualTo("DELETING");
    assertThat(refused.body().get("detail").asString()).contains("cannot go to STARTING");
  }

  @Test
  void listsPageWithACursor() {
    String dave = "dave-" + run;
    String daveToken = TestTokens.user(dave);
    List<String> created = new ArrayList<>();
    // One desktop per user per pool: five pools give dave five desktops.
    for (int i = 0; i < 5; i++) {
      String own = poolJson("dave-" + i + "-" + run, dave);
      String davePool = rest.post("/api/v1/pools", admin, own).body().get("id").asString();
      created.add(
          rest.post("/api/v1/desktops", daveToken, "{\"poolId\":\"" + davePool + "\"}")
              .body()
              .get("id")
              .asString());
    }

    List<String> seen = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    do {
      RestClientForTests.Response page =
          rest.get("/api/v1/desktops?limit=2&cursor=" + cursor, daveToken);
      seen.addAll(ids(page));
      cursor =
          page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asString();
      pages++;
    } while (cursor != null);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void fiveConcurrentCreatesWithOneIdempotencyKeyMakeOneDesktop() throws Exception {
    String key = UUID.randomUUID().toString();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<RestClientForTests.Response>> calls = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(5)) {
      for (int i = 0; i < 5; i++) {
        Callable<RestClientForTests.Response> create =
            () -> {
              go.await();
              return rest.call(
                  "POST", "/api/v1/desktops", aliceToken, "{\"poolId\":\"" + poolId + "\"}", key);
            };
        calls.add(threads.submit(create));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<RestClientForTests.Response> call : calls) {
        RestClientForTests.Response response = call.get();
        assertThat(response.status()).isEqualTo(201);
        ids.add(response.body().get("id").asString());
      }
      assertThat(Set.copyOf(ids)).hasSize(1);
    }
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM desktop WHERE owner = ? AND pool_id = ?::uuid",
                Long.class,
                alice,
                poolId))
        .isEqualTo(1);

    RestClientForTests.Response reused =
        rest.call(
            "POST",
            "/api/v1/desktops",
            aliceToken,
            "{\"poolId\":\"" + UUID.randomUUID() + "\"}",
            key);
    assertThat(reused.status()).isIn(404, 422);
  }

  @Test
  void aRepeatedCreateReturnsTheFreeDesktopTheFirstWasHanded() {
    // Bob's desktop, given back to the pool, is free for the next person.
    String free = createDesktop(bobToken);
    assertThat(rest.post("/api/v1/desktops/" + free + "/logoff", bobToken, "").status())
        .isEqualTo(200);
    String key = UUID.randomUUID().toString();

    RestClientForTests.Response first =
        rest.call("POST", "/api/v1/desktops", aliceToken, "{\"poolId\":\"" + poolId + "\"}", key);
    RestClientForTests.Response again =
        rest.call("POST", "/api/v1/desktops", aliceToken, "{\"poolId\":\"" + poolId + "\"}", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.body().get("id").asString()).isEqualTo(free);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body().get("id").asString()).isEqualTo(free);
  }

  private static List<String> ids(RestClientForTests.Response page) {
    List<String> ids = new ArrayList<>();
    page.body().get("items").forEach(item -> ids.add(item.get("id").asString()));
    return ids;
  }
}
