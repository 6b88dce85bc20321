package io.veneer.scheduler;

import io.veneer.scheduler.filter.Rejection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The answer to one placement: a host, or why there is none. */
public sealed interface PlacementResult {

  /**
   * The desktop goes to {@code hostId}.
   *
   * @param hostId the chosen host
   * @param score its weighted score, 0 to 100
   * @param breakdown each weighted scorer's own score (0 to 100) for the chosen host, by scorer
   *     name, in the order the scorers run
   * @param examined hosts examined before the sample was full
   * @param feasible feasible hosts among them, all scored
   */
  record Placed(
      String hostId, double score, Map<String, Double> breakdown, int examined, int feasible)
      implements PlacementResult {

    public Placed {
      // Keeps the scorers' order for people reading it; Map.copyOf would not.
      breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
    }
  }

  /**
   * No host can take the desktop.
   *
   * @param hosts hosts in the snapshot; every one was examined
   * @param reasons how many hosts each rejection turned away, most frequent first (ties by code,
   *     then phrase); every host is counted once, under the first filter that rejected it, so the
   *     counts add up to {@code hosts}
   */
  record Unschedulable(int hosts, Map<Rejection, Integer> reasons) implements PlacementResult {

    public Unschedulable {
      reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    /** E.g. "0/40 hosts: 31 insufficient memory, 6 in maintenance, 3 missing label gpu=true". */
    public String explanation() {
      if (hosts == 0) {
        return "0/0 hosts: no hosts are registered";
      }
      return "0/"
          + hosts
          + " hosts: "
          + reasons.entrySet().stream()
              .map(reason -> reason.getValue() + " " + reason.getKey().phrase())
              .collect(Collectors.joining(", "));
    }

    /** Hosts turned away per rejection code, e.g. {@code missing-label} summed over all labels. */
    public Map<String, Integer> countsByCode() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      reasons.forEach((rejection, count) -> counts.merge(rejection.code(), count, Integer::sum));
      return Collections.unmodifiableMap(counts);
    }
  }
}
