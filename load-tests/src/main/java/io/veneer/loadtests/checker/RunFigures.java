package io.veneer.loadtests.checker;

import java.time.Duration;
import java.util.List;

/**
 * What the checker found in one run of a history. Every count after {@code acknowledged} is a
 * broken promise: all zero, and every acknowledged desktop converged, is a pass.
 *
 * @param faults faults injected in the run
 * @param operations request attempts, retries included
 * @param requests distinct requests (idempotency keys)
 * @param acknowledged requests answered with a desktop
 * @param lost acknowledged, and no such desktop of its owner at the end
 * @param duplicated requests (keys) that got two desktops, or whose owner holds two at the end
 * @param doubleRuns desktops whose guests ran on two hosts at overlapping times
 * @param sharedDisks pairs of guests that ran on one disk at overlapping times
 * @param handedToTwo desktops acknowledged to, or held by, two people
 * @param eventsMissing events written to the outbox and never read from Kafka
 * @param eventsDuplicated events read from Kafka more than once
 * @param eventsOutOfOrder events read before an earlier event of the same key
 * @param notConverged acknowledged desktops not RUNNING on one host at the run's end
 * @param toConverge from the end of the run's last fault to the last acknowledged desktop seen
 *     RUNNING (zero when nothing had to recover or the run had no fault)
 * @param examples a few of the anomalies, by id
 */
public record RunFigures(
    String run,
    int faults,
    int operations,
    int requests,
    int acknowledged,
    int lost,
    int duplicated,
    int doubleRuns,
    int sharedDisks,
    int handedToTwo,
    int eventsMissing,
    int eventsDuplicated,
    int eventsOutOfOrder,
    int notConverged,
    Duration toConverge,
    List<String> examples) {

  /** Every column of anomalies is zero (issue #19's goal: duplicated deliveries fail too). */
  public boolean passed() {
    return lost
            + duplicated
            + doubleRuns
            + sharedDisks
            + handedToTwo
            + eventsMissing
            + eventsDuplicated
            + eventsOutOfOrder
            + notConverged
        == 0;
  }

  /** One row of docs/reliability.md's tables. */
  public String row() {
    return String.format(
        "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d / %d | %d | %d | %s |",
        run,
        operations,
        requests,
        acknowledged,
        lost,
        duplicated,
        doubleRuns,
        sharedDisks,
        handedToTwo,
        eventsMissing,
        eventsDuplicated,
        eventsOutOfOrder,
        notConverged,
        faults == 0 ? "no fault" : String.format("%.1f s", toConverge.toMillis() / 1000.0));
  }

  public static String header() {
    return "| run | operations | requests | acknowledged | lost | duplicated | double runs"
        + " | guests sharing a disk | handed to two | events missing / duplicated"
        + " | events out of order | not converged | time to converge |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  public String summary() {
    return (passed() ? "PASSED " : "FAILED ")
        + row()
        + (examples.isEmpty() ? "" : " e.g. " + String.join("; ", examples));
  }
}
