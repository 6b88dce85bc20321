package io.veneer.loadtests.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.loadtests.report.Acknowledgements.Acknowledged;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each broken promise the check exists to catch, each on its own, against one healthy fleet. */
class ConsistencyCheckTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant T = Instant.parse("2026-12-04T09:00:00Z");

  /** Host h1 may hold 4 vCPUs; d1 (alice) and d2 (bob) run there with 1 vCPU each. */
  private record Fleet(
      List<Acknowledged> acknowledged,
      List<JsonNode> desktops,
      List<JsonNode> hosts,
      List<Claim> claims) {

    static Fleet healthy() {
      return new Fleet(
          List.of(ack("alice", "d1"), ack("bob", "d2")),
          List.of(desktop("d1", "alice", "RUNNING", "h1"), desktop("d2", "bob", "RUNNING", "h1")),
          List.of(host("h1", 4)),
          List.of(claim("d1", "h1", 1), claim("d2", "h1", 1)));
    }

    ConsistencyCheck.Result check() {
      return ConsistencyCheck.check(acknowledged, desktops, hosts, claims);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPromises")
  void findsEachBrokenPromise(
      String promise,
      Function<Fleet, Fleet> breaking,
      Function<ConsistencyCheck.Result, Integer> count) {
    ConsistencyCheck.Result result = breaking.apply(Fleet.healthy()).check();

    assertThat(result.passed()).as(result.summary()).isFalse();
    assertThat(count.apply(result)).as(result.summary()).isEqualTo(1);
  }

  static Stream<Arguments> brokenPromises() {
    return Stream.of(
        row(
            "an acknowledged desktop is missing",
            f ->
                new Fleet(
                    f.acknowledged(),
                    List.of(f.desktops().getFirst()),
                    f.hosts(),
                    List.of(f.claims().getFirst())),
            ConsistencyCheck.Result::lost),
        row(
            "an acknowledged desktop was deleted",
            f ->
                new Fleet(
                    f.acknowledged(),
                    List.of(f.desktops().getFirst(), desktop("d2", "bob", "DELETED", "h1")),
                    f.hosts(),
                    List.of(f.claims().getFirst())),
            ConsistencyCheck.Result::lost),
        row(
            "an acknowledged desktop never ran",
            f ->
                new Fleet(
                    f.acknowledged(),
                    List.of(f.desktops().getFirst(), desktop("d2", "bob", "STARTING", "h1")),
                    f.hosts(),
                    f.claims()),
            ConsistencyCheck.Result::notRunning),
        row(
            "one desktop was handed to two people",
            f ->
                new Fleet(
                    List.of(ack("alice", "d1"), ack("bob", "d2"), ack("carol", "d1")),
                    f.desktops(),
                    f.hosts(),
                    f.claims()),
            ConsistencyCheck.Result::handedToTwo),
        row(
            "one person holds two desktops of the pool",
            f ->
                new Fleet(
                    f.acknowledged(),
                    List.of(
                        f.desktops().get(0),
                        f.desktops().get(1),
                        desktop("d3", "alice", "RUNNING", "h1")),
                    f.hosts(),
                    List.of(f.claims().get(0), f.claims().get(1), claim("d3", "h1", 1))),
            ConsistencyCheck.Result::ownersWithTwo),
        row(
            "a placed desktop holds no claim",
            f -> new Fleet(f.acknowledged(), f.desktops(), f.hosts(), List.of(f.claims().get(0))),
            ConsistencyCheck.Result::withoutClaim),
        row(
            "a desktop's claim is on another host",
            f ->
                new Fleet(
                    f.acknowledged(),
                    f.desktops(),
                    List.of(host("h1", 4), host("h2", 4)),
                    List.of(f.claims().get(0), claim("d2", "h2", 1))),
            ConsistencyCheck.Result::claimElsewhere),
        row(
            "a deleted desktop still holds its claim",
            f ->
                new Fleet(
                    f.acknowledged(),
                    List.of(
                        f.desktops().get(0),
                        f.desktops().get(1),
                        desktop("d9", "dave", "DELETED", "h1")),
                    f.hosts(),
                    List.of(f.claims().get(0), f.claims().get(1), claim("d9", "h1", 1))),
            ConsistencyCheck.Result::strayClaims),
        row(
            "a host holds more than capacity x ratio",
            f ->
                new Fleet(
                    f.acknowledged(),
                    f.desktops(),
                    f.hosts(),
                    List.of(claim("d1", "h1", 3), claim("d2", "h1", 2))),
            ConsistencyCheck.Result::overcommittedHosts));
  }

  @org.junit.jupiter.api.Test
  void passesAHealthyFleetAndForgivesWhatWasGivenBackOrIsBeingDeleted() {
    assertThat(Fleet.healthy().check().passed()).isTrue();

    Fleet loggedOff =
        new Fleet(
            List.of(
                ack("alice", "d1"), new Acknowledged("bob", "d2", T, T, true), ack("carol", "d2")),
            List.of(
                desktop("d1", "alice", "RUNNING", "h1"), desktop("d2", "carol", "RUNNING", "h1")),
            List.of(host("h1", 4)),
            Fleet.healthy().claims());
    assertThat(loggedOff.check().passed()).as(loggedOff.check().summary()).isTrue();

    Fleet beingDeleted =
        new Fleet(
            List.of(ack("alice", "d1"), new Acknowledged("bob", "d2", T, T, true)),
            List.of(
                desktop("d1", "alice", "RUNNING", "h1"), desktop("d2", "bob", "DELETING", "h1")),
            List.of(host("h1", 4)),
            Fleet.healthy().claims());
    assertThat(beingDeleted.check().passed()).as(beingDeleted.check().summary()).isTrue();
  }

  private static Arguments row(
      String promise,
      Function<Fleet, Fleet> breaking,
      Function<ConsistencyCheck.Result, Integer> count) {
    return Arguments.of(promise, breaking, count);
  }

  private static Acknowledged ack(String owner, String desktopId) {
    return new Acknowledged(owner, desktopId, T, T.plusMillis(20), false);
  }

  private static JsonNode desktop(String id, String owner, String state, String host) {
    return JSON.createObjectNode()
        .put("id", id)
        .put("poolId", "p1")
        .put("owner", owner)
        .put("state", state)
        .put("hostId", host);
  }

  private static JsonNode host(String id, long vcpus) {
    var host = JSON.createObjectNode().put("id", id);
    host.putObject("allocatable").put("vcpus", vcpus).put("memoryMib", 8192).put("diskGib", 100);
    return host;
  }

  private static Claim claim(String desktopId, String host, long vcpus) {
    return new Claim(desktopId, host, vcpus, 1024, 10);
  }
}
