package io.veneer.loadtests.checker;

import io.veneer.loadtests.history.Fact;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of a history: what the control plane wrote to its outbox against what the history's
 * consumer read from Kafka, by event id, and per key in the order they were read.
 */
final class EventLedger {

  private final Map<String, Integer> reads = new HashMap<>();
  private final Set<String> outOfOrder = new HashSet<>();

  EventLedger(List<Fact> facts) {
    Map<String, Long> sequence = new HashMap<>();
    for (Fact fact : facts) {
      if (fact instanceof Fact.EventWritten written) {
        sequence.put(written.eventId(), written.sequence());
      }
    }
    Map<String, Long> latestByKey = new HashMap<>();
    for (Fact fact : facts) {
      if (fact instanceof Fact.EventRead read
          && reads.merge(read.eventId(), 1, Integer::sum) == 1) {
        Long written = sequence.get(read.eventId());
        if (written == null) {
          continue;
        }
        Long latest = latestByKey.get(read.key());
        if (latest != null && written < latest) {
          outOfOrder.add(read.eventId());
        } else {
          latestByKey.put(read.key(), written);
        }
      }
    }
  }

  int timesRead(String eventId) {
    return reads.getOrDefault(eventId, 0);
  }

  /** Whether the event was read after a later event of its key. */
  boolean outOfOrder(String eventId) {
    return outOfOrder.contains(eventId);
  }

  /** The written events never read from Kafka. */
  List<String> missing(List<Fact.EventWritten> written) {
    return written.stream()
        .map(Fact.EventWritten::eventId)
        .filter(id -> timesRead(id) == 0)
        .toList();
  }

  /** The written events read more than once. */
  List<String> duplicated(List<Fact.EventWritten> written) {
    return written.stream()
        .map(Fact.EventWritten::eventId)
        .filter(id -> timesRead(id) > 1)
        .toList();
  }
}
