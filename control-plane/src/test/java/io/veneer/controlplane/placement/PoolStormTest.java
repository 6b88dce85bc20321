package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.security.Caller;
import io.veneer.testsupport.postgres.TestPostgres;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A morning login on two replicas: one pool, no lock on it, 200 requests at once. Of its maximum of
 * 150 desktops, 30 wait free; 180 people ask, 20 of them twice at the same moment on both replicas.
 */
class PoolStormTest {

  private static final int MAX_SIZE = 150;
  private static final int FREE = 30;
  private static final int PEOPLE = 180;
  private static final int ASKING_TWICE = 20;

  private static TwoReplicas replicas;

  @BeforeAll
  static void start() {
    replicas = new TwoReplicas(TestPostgres.freshDatabase(PoolStormTest.class));
  }

  @AfterAll
  static void stop() {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void eachPersonGetsExactlyOneDesktopAndThePoolNeverPassesItsMaximum() throws Exception {
    replicas.registerLargeHosts("storm", 10);
    Pool pool = replicas.pooledPool("morning", MAX_SIZE);
    replicas.freeDesktops(pool, FREE);

    record Ask(String person, DesktopService replica) {}
    List<Ask> asks = new ArrayList<>();
    DesktopService a = replicas.a.getBean(DesktopService.class);
    DesktopService b = replicas.b.getBean(DesktopService.class);
    for (int i = 0; i < PEOPLE; i++) {
      String person = "person-%03d".formatted(i);
      asks.add(new Ask(person, i % 2 == 0 ? a : b));
      if (i < ASKING_TWICE) {
        asks.add(new Ask(person, i % 2 == 0 ? b : a));
      }
    }
    Caller admin = Caller.admin("admin");
    Map<String, Set<UUID>> given = new ConcurrentHashMap<>();
    List<Callable<Boolean>> calls =
        asks.stream()
            .map(
                ask ->
                    (Callable<Boolean>)
                        () -> {
                          try {
                            DesktopView desktop =
                                ask.replica()
                                    .create(
                                        admin,
                                        new DesktopService.CreateDesktop(pool.id(), ask.person()),
                                        null);
                            given
                                .computeIfAbsent(ask.person(), p -> ConcurrentHashMap.newKeySet())
                                .add(desktop.id());
                            return true;
                          } catch (PoolExhaustedException e) {
                            return false;
                          }
                        })
            .toList();
    List<Boolean> answers = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
      for (Future<Boolean> answer : threads.invokeAll(calls)) {
        answers.add(answer.get());
      }
    }

    assertThat(answers).hasSize(PEOPLE + ASKING_TWICE);
    assertThat(given).as("people who got a desktop").hasSize(MAX_SIZE);
    assertThat(given.values())
        .as("each got exactly one, asked once or twice")
        .allSatisfy(d -> assertThat(d).hasSize(1));
    Collection<UUID> handedOut = given.values().stream().flatMap(Set::stream).toList();
    assertThat(handedOut).as("no desktop handed to two people").doesNotHaveDuplicates();

    JdbcTemplate jdbc = replicas.b.getBean(JdbcTemplate.class);
    List<Map<String, Object>> live =
        jdbc.queryForList(
            "SELECT id, owner FROM desktop WHERE pool_id = ? AND desktop_live(delete_requested_at, state)",
            pool.id());
    assertThat(live).as("the pool at its maximum, not past it").hasSize(MAX_SIZE);
    assertThat(live.stream().map(d -> (UUID) d.get("id")).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(handedOut);
    assertThat(
            jdbc.queryForObject(
                "SELECT live_desktops FROM pool WHERE id = ?", Integer.class, pool.id()))
        .as("the count the database keeps")
        .isEqualTo(MAX_SIZE);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM resource_claim", Integer.class))
        .as("every desktop placed once")
        .isEqualTo(MAX_SIZE);
  }
}
