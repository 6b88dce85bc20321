package io.veneer.scheduler;

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
   * @param breakdown each scorer's own score for the chosen host, by scorer name
   * @param examined hosts examined before the sample was full
   * @param feasible feasible hosts among them, all scored
   */
  record Placed(
      String hostId, double score, Map<String, Double> breakdown, int examined, int feasible)
      implements PlacementResult {

    public Placed {
      breakdown = Map.copyOf(breakdown);
    }
  }

  /**
   * No host can take the desktop.
   *
   * @param hosts hosts in the snapshot; every one was examined
   * @param reasons how many hosts each reason turned away, most frequent first; adds up to {@code
   *     hosts}
   */
  record Unschedulable(int hosts, Map<String, Integer> reasons) implements PlacementResult {

    public Unschedulable {
      reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
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
              .map(reason -> reason.getValue() + " " + reason.getKey())
              .collect(Collectors.joining(", "));
    }
  }
}
