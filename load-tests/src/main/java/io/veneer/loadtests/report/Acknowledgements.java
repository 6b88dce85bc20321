package io.veneer.loadtests.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load was told: each desktop request the control plane acknowledged (2xx with a desktop),
 * with when it was sent and answered, and each one it refused by status. The consistency check
 * holds the control plane to every acknowledgement.
 */
public final class Acknowledgements {

  /** A request answered with a desktop; {@code released} once its owner logged off. */
  public record Acknowledged(
      String owner, String desktopId, Instant sentAt, Instant answeredAt, boolean released) {}

  private final ConcurrentLinkedQueue<Acknowledged> given = new ConcurrentLinkedQueue<>();
  private final Map<Integer, AtomicInteger> refusals = new ConcurrentHashMap<>();
  private final Map<String, Instant> releasedAt = new ConcurrentHashMap<>();

  public void acknowledged(String owner, String desktopId, Instant sentAt, Instant answeredAt) {
    given.add(new Acknowledged(owner, desktopId, sentAt, answeredAt, false));
  }

  public void refused(int status) {
    refusals.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }

  /** The owner gave the desktop back (logoff or delete): it may now be someone else's. */
  public void released(String desktopId) {
    releasedAt.put(desktopId, Instant.now());
  }

  public List<Acknowledged> all() {
    return given.stream()
        .map(
            a ->
                releasedAt.containsKey(a.desktopId())
                        && !releasedAt.get(a.desktopId()).isBefore(a.answeredAt())
                    ? new Acknowledged(a.owner(), a.desktopId(), a.sentAt(), a.answeredAt(), true)
                    : a)
        .toList();
  }

  /** Refused requests by HTTP status. */
  public Map<Integer, Integer> refusals() {
    Map<Integer, Integer> counts = new TreeMap<>();
    refusals.forEach((status, count) -> counts.put(status, count.get()));
    return counts;
  }
}
