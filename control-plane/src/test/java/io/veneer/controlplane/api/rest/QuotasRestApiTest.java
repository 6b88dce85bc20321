package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.events.v1.QuotaEvent;
import io.veneer.scheduler.cluster.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * REST {@code /api/v1/quotas}: admins set what a user or a group may hold; a desktop request past a
 * quota is a 409 quota-exceeded naming it and changes nothing, even when requests race for its last
 * unit.
 */
class QuotasRestApiTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);
  private final String alice = "alice-" + run;
  private final String bob = "bob-" + run;
  private final String team = "team-" + run;

  @BeforeEach
  void aHost() {
    rest = new RestClientForTests(port);
    hosts.register(
        new HostRegistration("quota-host-" + run, new Resources(64, 262_144, 4_000), Map.of(), ""));
  }

  /** A pool of 2-vCPU, 2 GiB desktops entitled to the team. */
  private String pool(String name) {
    RestClientForTests.Response pool =
        rest.post(
            "/api/v1/pools",
            admin,
            """
            {"name":"%s-%s","kind":"POOLED","goldenImage":"win11","goldenVersion":"v1",
             "goldenDigest":"sha256:aa","size":{"vcpus":2,"memoryMib":2048,"diskGib":40},
             "minSize":0,"maxSize":10,"warmSpares":0,"maxConcurrentRefresh":1,
             "entitledUsers":[],"entitledGroups":["%s"]}
            """
                .formatted(name, run, team));
    assertThat(pool.status()).as("%s", pool.body()).isEqualTo(201);
    return pool.body().get("id").asString();
  }

  private RestClientForTests.Response request(String user, String poolId) {
    return rest.post(
        "/api/v1/desktops", TestTokens.user(user, team), "{\"poolId\":\"" + poolId + "\"}");
  }

  private RestClientForTests.Response setQuota(String kind, String name, String limits) {
    return rest.put("/api/v1/quotas/" + kind + "/" + name, admin, limits);
  }

  private long desktopsOf(String user) {
    return jdbc.queryForObject("SELECT count(*) FROM desktop WHERE owner = ?", Long.class, user);
  }

  @Test
  void aRequestPastTheUsersDesktopQuotaIsRefusedNamingTheQuota() {
    assertThat(setQuota("user", alice, "{\"maxDesktops\":1}").status()).isEqualTo(200);
    String first = pool("first");
    RestClientForTests.Response given = request(alice, first);
    assertThat(given.status()).isEqualTo(201);
    RestClientForTests.Response again = request(alice, first);
    assertThat(again.status()).as("the desktop one holds is never refused").isLessThan(300);
    assertThat(again.body().get("id")).isEqualTo(given.body().get("id"));

    RestClientForTests.Response refused = request(alice, pool("second"));

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    JsonNode problem = refused.body();
    assertThat(problem.get("type").asString()).endsWith("/quota-exceeded");
    assertThat(problem.get("quota").asString()).isEqualTo("user/" + alice);
    assertThat(problem.get("measure").asString()).isEqualTo("desktops");
    assertThat(problem.get("limit").asLong()).isEqualTo(1);
    assertThat(problem.get("usage").asLong()).isEqualTo(1);
    assertThat(problem.get("detail").asString()).contains(alice).contains("1 desktops");
    assertThat(desktopsOf(alice)).as("the refused request made nothing").isEqualTo(1);
  }

  @Test
  void aGroupsQuotaCountsWhatItsMembersHoldTogether() {
    String pool = pool("shared");
    setQuota("group", team, "{\"maxVcpus\":3}");
    assertThat(request(alice, pool).status()).isEqualTo(201);

    RestClientForTests.Response refused = request(bob, pool);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("quota").asString()).isEqualTo("group/" + team);
    assertThat(refused.body().get("measure").asString()).isEqualTo("vcpus");
    assertThat(refused.body().get("usage").asLong()).isEqualTo(2);
    assertThat(refused.body().get("requested").asLong()).isEqualTo(2);
    assertThat(desktopsOf(bob)).isZero();
  }

  @Test
  void adminsSeeUsageAgainstQuotaAndEveryChangeIsAudited() {
    setQuota("user", alice, "{\"maxDesktops\":3,\"maxMemoryMib\":8192}");
    request(alice, pool("seen"));

    JsonNode quota = rest.get("/api/v1/quotas/user/" + alice, admin).body();
    assertThat(quota.get("limits").get("maxDesktops").asInt()).isEqualTo(3);
    assertThat(quota.get("limits").get("maxVcpus").isNull()).isTrue();
    assertThat(quota.get("usage").get("desktops").asLong()).isEqualTo(1);
    assertThat(quota.get("usage").get("vcpus").asLong()).isEqualTo(2);
    assertThat(quota.get("usage").get("memoryMib").asLong()).isEqualTo(2048);
    assertThat(rest.get("/api/v1/quotas", admin).body().toString()).contains(alice);

    assertThat(rest.delete("/api/v1/quotas/user/" + alice, admin).status()).isEqualTo(204);
    assertThat(rest.get("/api/v1/quotas/user/" + alice, admin).status()).isEqualTo(404);
    assertThat(
            jdbc.queryForList(
                "SELECT action FROM audit_entry WHERE object_id = ? ORDER BY id",
                String.class,
                "user " + alice))
        .containsExactly("quota.set", "quota.delete");
  }

  @Test
  void aQuotaThatCannotBeHonouredIsA400AndChangesNothing() {
    for (String[] bad :
        List.of(
            new String[] {"user", "{}"},
            new String[] {"user", "{\"maxDesktops\":-1}"},
            new String[] {"team", "{\"maxDesktops\":1}"})) {
      RestClientForTests.Response refused = setQuota(bad[0], alice, bad[1]);
      assertThat(refused.status()).as("%s %s", bad[0], bad[1]).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
    }
    assertThat(jdbc.queryForObject("SELECT count(*) FROM quota WHERE name = ?", Long.class, alice))
        .isZero();
  }

  @Test
  void twoRequestsRacingForTheLastDesktopOfAQuotaOneWins() throws Exception {
    String first = pool("race-a");
    String second = pool("race-b");
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        String racer = "racer-" + round + "-" + run;
        setQuota("user", racer, "{\"maxDesktops\":1}");
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> racing =
            List.of(first, second).stream()
                .map(
                    pool ->
                        CompletableFuture.supplyAsync(
                            () -> {
                              await(start);
                              return request(racer, pool).status();
                            },
                            threads))
                .toList();

        assertThat(racing.stream().map(CompletableFuture::join).toList())
            .as("round %d", round)
            .containsExactlyInAnyOrder(201, 409);
        assertThat(desktopsOf(racer)).isEqualTo(1);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void twoMembersRacingForTheLastDesktopOfTheirGroupsQuotaOneWins() throws Exception {
    String pool = pool("group-race");
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        String group = "crew-" + round + "-" + run;
        setQuota("group", group, "{\"maxDesktops\":1}");
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> racing =
            List.of("a", "b").stream()
                .map(
                    who ->
                        CompletableFuture.supplyAsync(
                            () -> {
                              await(start);
                              return rest.post(
                                      "/api/v1/desktops",
                                      TestTokens.user(who + "-" + group, team, group),
                                      "{\"poolId\":\"" + pool + "\"}")
                                  .status();
                            },
                            threads))
                .toList();

        assertThat(racing.stream().map(CompletableFuture::join).toList())
            .as("round %d", round)
            .containsExactlyInAnyOrder(201, 409);
        assertThat(
                jdbc.queryForObject(
                    "SELECT count(*) FROM desktop WHERE holder_groups @> ARRAY[?]::text[]",
                    Long.class,
                    group))
            .isEqualTo(1);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void eachChangeOfAQuotaIsAnEventOnKafkaSayingHowAndWho() throws Exception {
    String holder = "group/" + team;
    assertThat(setQuota("group", team, "{\"maxDesktops\":2}").status()).isEqualTo(200);
    assertThat(setQuota("group", team, "{\"maxDesktops\":2}").status())
        .as("the same limits again")
        .isEqualTo(200);
    setQuota("group", team, "{\"maxDesktops\":3,\"maxVcpus\":8}");
    setQuota("group", team, "{\"maxDesktops\":3}");
    setQuota("group", team, "{\"maxDesktops\":1,\"maxVcpus\":4}");
    assertThat(rest.delete("/api/v1/quotas/group/" + team, admin).status()).isEqualTo(204);
    setQuota("group", team, "{\"maxMemoryMib\":4096}");

    List<QuotaEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record :
        TOPICS.recordsOf(
            "veneer.quotas.v1",
            holder,
            got -> got.size() >= 6,
            Duration.ofSeconds(30),
            Duration.ofMillis(500))) {
      events.add(QuotaEvent.parseFrom(record.value()));
    }

    assertThat(events)
        .extracting(QuotaEvent::getType, QuotaEvent::getChange)
        .containsExactly(
            tuple("io.veneer.quota.set", "maxDesktops none -> 2"),
            tuple("io.veneer.quota.changed", "maxDesktops 2 -> 3, maxVcpus none -> 8"),
            tuple("io.veneer.quota.raised", "maxVcpus 8 -> none"),
            tuple("io.veneer.quota.lowered", "maxDesktops 3 -> 1, maxVcpus none -> 4"),
            tuple("io.veneer.quota.removed", "maxDesktops 1 -> none, maxVcpus 4 -> none"),
            tuple("io.veneer.quota.set", "maxMemoryMib none -> 4096"));
    assertThat(events)
        .extracting(e -> e.getHeader().getAggregateVersion())
        .as("one more per change, on after a removal too")
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events)
        .allSatisfy(e -> assertThat(e.getHeader().getActor()).isEqualTo("admin-" + run));
    assertThat(events).allSatisfy(e -> assertThat(e.getHolder()).isEqualTo(holder));
    QuotaEvent lowered = events.get(3);
    assertThat(lowered.getMaxDesktops()).isEqualTo(1);
    assertThat(lowered.getPreviousMaxDesktops()).isEqualTo(3);
    assertThat(lowered.hasPreviousMaxVcpus()).as("no limit before").isFalse();
    assertThat(events.get(4).hasMaxDesktops()).as("no quota after its removal").isFalse();
  }
}
