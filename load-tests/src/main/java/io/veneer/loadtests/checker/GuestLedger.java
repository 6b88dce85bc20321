package io.veneer.loadtests.checker;

import io.veneer.loadtests.history.Fact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's one ledger of guests, read from a history: each guest's life on its host, from its
 * start by the driver to its end (open while it still runs), and the last state each host's agent
 * saw of each desktop.
 */
final class GuestLedger {

  /**
   * One guest of a desktop on a host and disk; {@code end} is {@link Instant#MAX} while it runs.
   */
  record Life(String desktopId, String host, String disk, Instant start, Instant end) {

    boolean overlaps(Life other) {
      return start.isBefore(other.end) && other.start.isBefore(end);
    }

    Instant overlapStart(Life other) {
      return start.isAfter(other.start) ? start : other.start;
    }

    boolean running() {
      return end.equals(Instant.MAX);
    }
  }

  /** A state an agent saw, and when. */
  record Seen(String state, Instant at) {}

  private final Map<String, List<Life>> byDesktop = new HashMap<>();
  private final Map<String, Seen> lastSeen = new HashMap<>();

  /** The ledger of every fact before {@code until}. */
  static GuestLedger of(List<Fact> facts, Instant until) {
    GuestLedger ledger = new GuestLedger();
    Map<String, Life> open = new LinkedHashMap<>();
    for (Fact fact : facts) {
      if (!fact.at().isBefore(until)) {
        continue;
      }
      switch (fact) {
        case Fact.GuestStarted started -> {
          Life life =
              new Life(
                  started.desktopId(), started.host(), started.disk(), started.at(), Instant.MAX);
          Life before = open.put(started.host() + "/" + started.desktopId(), life);
          if (before != null) {
            // A second start without an end: the first guest is still there.
            ledger.add(before);
          }
        }
        case Fact.GuestEnded ended -> {
          Life life = open.remove(ended.host() + "/" + ended.desktopId());
          if (life != null) {
            ledger.add(
                new Life(life.desktopId(), life.host(), life.disk(), life.start(), ended.at()));
          }
        }
        case Fact.StateSeen seen ->
            ledger.lastSeen.put(
                seen.host() + "/" + seen.desktopId(), new Seen(seen.state(), seen.at()));
        default -> {}
      }
    }
    open.values().forEach(ledger::add);
    return ledger;
  }

  private void add(Life life) {
    byDesktop.computeIfAbsent(life.desktopId(), id -> new ArrayList<>()).add(life);
  }

  /** Every pair of one desktop's guests on two hosts at once. */
  List<Life[]> doubleRuns() {
    return pairs(false);
  }

  /** Every pair of guests on one disk at once. */
  List<Life[]> sharedDisks() {
    return pairs(true);
  }

  private List<Life[]> pairs(boolean sameDisk) {
    List<Life[]> found = new ArrayList<>();
    for (List<Life> lives : byDesktop.values()) {
      for (int i = 0; i < lives.size(); i++) {
        for (int j = i + 1; j < lives.size(); j++) {
          Life a = lives.get(i);
          Life b = lives.get(j);
          boolean match = sameDisk ? a.disk().equals(b.disk()) : !a.host().equals(b.host());
          if (match && a.overlaps(b)) {
            found.add(new Life[] {a, b});
          }
        }
      }
    }
    return found;
  }

  /** The guests of the desktop still running at the ledger's end. */
  List<Life> running(String desktopId) {
    return byDesktop.getOrDefault(desktopId, List.of()).stream().filter(Life::running).toList();
  }

  /** The last state the host's agent saw of the desktop, if it saw one. */
  Seen lastSeen(String host, String desktopId) {
    return lastSeen.get(host + "/" + desktopId);
  }
}
