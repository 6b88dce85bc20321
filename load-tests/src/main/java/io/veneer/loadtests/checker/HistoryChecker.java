package io.veneer.loadtests.checker;

import io.veneer.loadtests.history.Fact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a history (Jepsen's checkers were the model; Jepsen itself is on Clojars, out of reach) and
 * holds each run to what was acknowledged in it: every acknowledged request is one desktop of its
 * owner, held by no one else, at the end RUNNING on exactly one host; no desktop ever ran on two
 * hosts at once, no disk under two guests; every event written was read, in order per key.
 *
 * <p>A run is the facts from its {@link Fact.RunBegan} to the next one. Its requests, listing and
 * events are its own; the guest ledger is the whole fleet's up to the run's end, so a guest started
 * in an earlier run and still running counts against a new one started in this run.
 */
public final class HistoryChecker {

  private static final int EXAMPLES = 5;

  private HistoryChecker() {}

  /** The figures of every run of the history, in order. */
  public static List<RunFigures> check(List<Fact> history) {
    List<Fact.RunBegan> runs =
        history.stream()
            .filter(Fact.RunBegan.class::isInstance)
            .map(Fact.RunBegan.class::cast)
            .toList();
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("The history has no run (no RunBegan fact)");
    }
    EventLedger events = new EventLedger(history);
    List<RunFigures> figures = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Instant begin = runs.get(i).at();
      Instant end = i + 1 < runs.size() ? runs.get(i + 1).at() : Instant.MAX;
      List<Fact> own =
          history.stream().filter(f -> !f.at().isBefore(begin) && f.at().isBefore(end)).toList();
      figures.add(
          new Run(runs.get(i).run(), begin, own, GuestLedger.of(history, end), events).figures());
    }
    return figures;
  }

  /** One run's facts, checked. */
  private static final class Run {

    private final String name;
    private final Instant begin;
    private final List<Fact> facts;
    private final GuestLedger guests;
    private final EventLedger events;
    private final List<String> examples = new ArrayList<>();

    Run(String name, Instant begin, List<Fact> facts, GuestLedger guests, EventLedger events) {
      this.name = name;
      this.begin = begin;
      this.facts = facts;
      this.guests = guests;
      this.events = events;
    }

    private <T extends Fact> List<T> all(Class<T> kind) {
      return facts.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    RunFigures figures() {
      List<Fact.Request> attempts = all(Fact.Request.class);
      Map<String, Set<String>> desktopsByKey = new LinkedHashMap<>();
      Map<String, String> ownerByKey = new HashMap<>();
      for (Fact.Request attempt : attempts) {
        ownerByKey.put(attempt.key(), attempt.owner());
        Set<String> desktops =
            desktopsByKey.computeIfAbsent(attempt.key(), k -> new LinkedHashSet<>());
        if (attempt.acknowledged()) {
          desktops.add(attempt.desktopId());
        }
      }
      Map<String, Set<String>> acknowledged = new LinkedHashMap<>(desktopsByKey);
      acknowledged.values().removeIf(Set::isEmpty);
      Map<String, Fact.DesktopListed> listed = new HashMap<>();
      Map<String, List<String>> listedByOwner = new HashMap<>();
      for (Fact.DesktopListed desktop : all(Fact.DesktopListed.class)) {
        if (!desktop.state().equals("DELETED")) {
          listed.put(desktop.desktopId(), desktop);
          listedByOwner
              .computeIfAbsent(desktop.owner(), o -> new ArrayList<>())
              .add(desktop.desktopId());
        }
      }

      int lost = 0;
      int duplicated = 0;
      Map<String, Set<String>> ownersByDesktop = new HashMap<>();
      for (Map.Entry<String, Set<String>> request : acknowledged.entrySet()) {
        String key = request.getKey();
        String owner = ownerByKey.get(key);
        String desktopId = request.getValue().iterator().next();
        if (request.getValue().size() > 1
            || listedByOwner.getOrDefault(owner, List.of()).size() > 1) {
          duplicated++;
          example(
              "key "
                  + key
                  + " of "
                  + owner
                  + " has desktops "
                  + request.getValue()
                  + " and holds "
                  + listedByOwner.get(owner));
        }
        if (!listed.containsKey(desktopId)) {
          lost++;
          example("desktop " + desktopId + " acknowledged to " + owner + " is gone");
        }
        for (String id : request.getValue()) {
          ownersByDesktop.computeIfAbsent(id, d -> new LinkedHashSet<>()).add(owner);
          Fact.DesktopListed now = listed.get(id);
          if (now != null) {
            ownersByDesktop.get(id).add(now.owner());
          }
        }
      }
      int handedToTwo = 0;
      for (Map.Entry<String, Set<String>> desktop : ownersByDesktop.entrySet()) {
        if (desktop.getValue().size() > 1) {
          handedToTwo++;
          example("desktop " + desktop.getKey() + " handed to " + desktop.getValue());
        }
      }

      int doubleRuns = countPairs(guests.doubleRuns(), "ran on two hosts");
      int sharedDisks = countPairs(guests.sharedDisks(), "had two guests on one disk");

      List<Fact.EventWritten> written = all(Fact.EventWritten.class);
      List<String> missing = events.missing(written);
      List<String> twice = events.duplicated(written);
      List<String> outOfOrder =
          written.stream().map(Fact.EventWritten::eventId).filter(events::outOfOrder).toList();
      missing.forEach(id -> example("event " + id + " never read"));
      twice.forEach(id -> example("event " + id + " read more than once"));
      outOfOrder.forEach(id -> example("event " + id + " read after a later one of its key"));

      Instant faultEnded =
          all(Fact.FaultEnded.class).stream().map(Fact::at).max(Instant::compareTo).orElse(begin);
      Instant converged = faultEnded;
      int notConverged = 0;
      for (Set<String> desktops : acknowledged.values()) {
        String desktopId = desktops.iterator().next();
        Instant runningSince = runningSince(desktopId, listed.get(desktopId));
        if (runningSince == null) {
          notConverged++;
          example("desktop " + desktopId + " is not RUNNING on one host at the end");
        } else if (runningSince.isAfter(converged)) {
          converged = runningSince;
        }
      }

      return new RunFigures(
          name,
          all(Fact.FaultBegan.class).size(),
          attempts.size(),
          desktopsByKey.size(),
          acknowledged.size(),
          lost,
          duplicated,
          doubleRuns,
          sharedDisks,
          handedToTwo,
          missing.size(),
          twice.size(),
          outOfOrder.size(),
          notConverged,
          Duration.between(faultEnded, converged),
          List.copyOf(examples));
    }

    /**
     * Since when the desktop runs on one host as its agent and the control plane both see it, or
     * null when it does not.
     */
    private Instant runningSince(String desktopId, Fact.DesktopListed listed) {
      List<GuestLedger.Life> running = guests.running(desktopId);
      if (listed == null || !listed.state().equals("RUNNING") || running.size() != 1) {
        return null;
      }
      GuestLedger.Seen seen = guests.lastSeen(running.getFirst().host(), desktopId);
      return seen != null && seen.state().equals("RUNNING") ? seen.at() : null;
    }

    /** Pairs whose overlap began in this run. */
    private int countPairs(List<GuestLedger.Life[]> pairs, String what) {
      int count = 0;
      for (GuestLedger.Life[] pair : pairs) {
        if (!pair[0].overlapStart(pair[1]).isBefore(begin)) {
          count++;
          example(
              "desktop "
                  + pair[0].desktopId()
                  + " "
                  + what
                  + ": "
                  + pair[0].host()
                  + " and "
                  + pair[1].host()
                  + " from "
                  + pair[0].overlapStart(pair[1]));
        }
      }
      return count;
    }

    private void example(String anomaly) {
      if (examples.size() < EXAMPLES) {
        examples.add(anomaly);
      }
    }
  }
}
