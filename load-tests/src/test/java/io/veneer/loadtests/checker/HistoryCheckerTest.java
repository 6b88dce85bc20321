package io.veneer.loadtests.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.loadtests.history.Fact;
import io.veneer.loadtests.history.History;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker against recorded histories: a healthy one passes, and each with one planted anomaly
 * is caught, in its own column and in no other, so a checker that finds nothing cannot pass.
 */
class HistoryCheckerTest {

  private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

  @TempDir Path dir;

  /** A healthy run: two people, each acknowledged a desktop that runs; its events read in order. */
  private static List<Fact> healthy() {
    List<Fact> facts = new ArrayList<>();
    facts.add(new Fact.RunBegan(at(0), "planted"));
    facts.add(request(1, "c1", "key-1", "ann", "d-1", 201));
    facts.add(request(1, "c2", "key-2", "bob", "", 0));
    facts.add(request(2, "c2", "key-2", "bob", "d-2", 201));
    facts.add(new Fact.FaultBegan(at(2), "partition", "h-2"));
    running(facts, 3, "h-1", "d-1");
    facts.add(new Fact.FaultEnded(at(5), "partition"));
    running(facts, 7, "h-2", "d-2");
    facts.add(new Fact.EventWritten(at(1), "e-1", "d-1", 1));
    facts.add(new Fact.EventWritten(at(2), "e-2", "d-1", 2));
    facts.add(new Fact.EventWritten(at(2), "e-3", "d-2", 3));
    facts.add(new Fact.EventRead(at(3), "e-1", "d-1", "t", 0, 0));
    facts.add(new Fact.EventRead(at(3), "e-2", "d-1", "t", 0, 1));
    facts.add(new Fact.EventRead(at(3), "e-3", "d-2", "t", 1, 0));
    facts.add(new Fact.DesktopListed(at(9), "d-1", "ann", "RUNNING", "h-1"));
    facts.add(new Fact.DesktopListed(at(9), "d-2", "bob", "RUNNING", "h-2"));
    return facts;
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static Fact.Request request(
      int second, String client, String key, String owner, String desktopId, int status) {
    return new Fact.Request(
        at(second), client, key, owner, "control-plane-1", at(second), status, desktopId);
  }

  private static void running(List<Fact> facts, int second, String host, String desktopId) {
    facts.add(new Fact.GuestStarted(at(second), host, desktopId, host + "/" + desktopId));
    facts.add(new Fact.StateSeen(at(second), host, desktopId, "STARTING"));
    facts.add(new Fact.StateSeen(at(second + 1), host, desktopId, "RUNNING"));
  }

  @Test
  void aHealthyHistoryPassesWithItsFiguresAndTheTimeToConvergeAfterTheFault() {
    RunFigures figures = checkThroughAFile(healthy());

    assertThat(figures.passed()).as(figures.summary()).isTrue();
    assertThat(figures.operations()).isEqualTo(3);
    assertThat(figures.requests()).isEqualTo(2);
    assertThat(figures.acknowledged()).isEqualTo(2);
    // The fault ended at 5 s; bob's desktop was seen RUNNING at 8 s.
    assertThat(figures.toConverge()).isEqualTo(Duration.ofSeconds(3));
    assertThat(figures.faults()).isEqualTo(1);
  }

  static Stream<Arguments> plantedAnomalies() {
    return Stream.of(
        planted(
            "lost: acknowledged, and no such desktop at the end",
            h -> h.removeIf(f -> f instanceof Fact.DesktopListed d && d.desktopId().equals("d-1")),
            RunFigures::lost),
        planted(
            "duplicated: a retry with the same key answered another desktop",
            h -> h.add(request(3, "c2", "key-2", "bob", "d-3", 201)),
            RunFigures::duplicated),
        planted(
            "duplicated: the owner holds two desktops at the end",
            h -> h.add(new Fact.DesktopListed(at(9), "d-9", "ann", "STOPPED", "h-3")),
            RunFigures::duplicated),
        planted(
            "double run: the desktop also ran on another host meanwhile",
            h -> {
              h.add(new Fact.GuestStarted(at(4), "h-3", "d-1", "h-3/d-1"));
              h.add(new Fact.GuestEnded(at(6), "h-3", "d-1", "stopped"));
            },
            RunFigures::doubleRuns),
        planted(
            "two guests on one disk: started again on its host without an end",
            h -> h.add(new Fact.GuestStarted(at(8), "h-1", "d-1", "h-1/d-1")),
            RunFigures::sharedDisks),
        planted(
            "handed to two people: one desktop acknowledged to two owners",
            h -> {
              h.add(request(3, "c3", "key-3", "cat", "d-1", 201));
              h.add(new Fact.DesktopListed(at(9), "d-x", "cat", "RUNNING", "h-1"));
            },
            RunFigures::handedToTwo),
        planted(
            "event missing: written, never read",
            h -> h.removeIf(f -> f instanceof Fact.EventRead r && r.eventId().equals("e-3")),
            RunFigures::eventsMissing),
        planted(
            "event duplicated: read twice",
            h -> h.add(new Fact.EventRead(at(4), "e-3", "d-2", "t", 1, 1)),
            RunFigures::eventsDuplicated),
        planted(
            "event out of order: read after a later event of its key",
            h -> {
              Fact first =
                  h.stream()
                      .filter(f -> f instanceof Fact.EventRead r && r.eventId().equals("e-1"))
                      .findFirst()
                      .orElseThrow();
              h.remove(first);
              h.add(new Fact.EventRead(at(4), "e-1", "d-1", "t", 0, 2));
            },
            RunFigures::eventsOutOfOrder),
        planted(
            "not converged: the agent last saw the desktop fail",
            h -> h.add(new Fact.StateSeen(at(8), "h-2", "d-2", "FAILED")),
            RunFigures::notConverged));
  }

  private static Arguments planted(
      String anomaly, Consumer<List<Fact>> plant, ToIntFunction<RunFigures> column) {
    return Arguments.of(anomaly, plant, column);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plantedAnomalies")
  void eachPlantedAnomalyIsCaughtInItsColumn(
      String anomaly, Consumer<List<Fact>> plant, ToIntFunction<RunFigures> column) {
    List<Fact> history = healthy();
    plant.accept(history);

    RunFigures figures = checkThroughAFile(history);

    assertThat(column.applyAsInt(figures)).as(figures.summary()).isEqualTo(1);
    assertThat(figures.examples()).as("the anomaly is named").isNotEmpty();
    assertThat(figures.passed()).as("fails the run").isFalse();
  }

  @Test
  void aGuestOfAnEarlierRunStillRunningCountsAgainstTheRunThatStartsAnother() {
    List<Fact> history = healthy();
    history.add(new Fact.RunBegan(at(20), "second"));
    history.add(new Fact.GuestStarted(at(21), "h-3", "d-1", "h-3/d-1"));

    List<RunFigures> runs = HistoryChecker.check(history);

    assertThat(runs).extracting(RunFigures::run).containsExactly("planted", "second");
    assertThat(runs.get(0).doubleRuns()).isZero();
    assertThat(runs.get(1).doubleRuns()).isEqualTo(1);
  }

  private RunFigures checkThroughAFile(List<Fact> facts) {
    Path file = dir.resolve("history.jsonl");
    try (History history = History.create(file)) {
      facts.forEach(history::record);
    }
    List<RunFigures> runs = HistoryChecker.check(History.read(file));
    assertThat(runs).hasSize(1);
    return runs.getFirst();
  }
}
