package io.veneer.loadtests.faults;

import io.veneer.loadtests.api.ApiException;
import io.veneer.loadtests.stack.StormStack;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;

/**
 * What a host whose driver hangs on every stop does to the desktops asked to stop, watched through
 * the control plane's API: the run's desktops RUNNING on the host and as many elsewhere are
 * restarted (a stop, then a start); those on the hung host must be reported stuck (FAILED, with the
 * agent's reason), those elsewhere must run again meanwhile, and the hung host must stay UP, heard
 * from within its heartbeat grace, all through the hang.
 */
final class StuckStops {

  private static final Logger log = Logger.getLogger(StuckStops.class.getName());

  /** The words of the agent's reason for a desktop whose driver does not answer. */
  static final String STUCK_REASON = "has not answered for this desktop since";

  private static final Duration LOOK_EVERY = Duration.ofMillis(500);

  private final StormStack stack;
  private final String host;
  private final String run;
  private final List<String> onHungHost = new ArrayList<>();
  private final List<String> elsewhere = new ArrayList<>();
  private final Map<String, String> reasons = new HashMap<>();
  private final Set<String> ranAgain = new HashSet<>();
  private Duration longestSilence = Duration.ZERO;
  private boolean hostLeftUp;

  StuckStops(StormStack stack, String host, String run) {
    this.stack = stack;
    this.host = host;
    this.run = run;
  }

  /**
   * Restarts the run's desktops RUNNING on the hung host (waiting for one) and as many elsewhere.
   */
  void restart(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (onHungHost.isEmpty()) {
      for (JsonNode desktop : runningDesktopsOfTheRun()) {
        String id = desktop.path("id").asString();
        if (host.equals(desktop.path("hostId").asString(""))) {
          onHungHost.add(id);
        } else if (elsewhere.size() < Math.max(2, onHungHost.size())) {
          elsewhere.add(id);
        }
      }
      if (onHungHost.isEmpty()) {
        elsewhere.clear();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("No desktop of " + run + " ran on " + host + " to stop");
        }
        Thread.sleep(LOOK_EVERY.toMillis());
      }
    }
    for (String id : concat(onHungHost, elsewhere)) {
      stack.api().post("/api/v1/desktops/" + id + "/restart", Map.of());
    }
    log.info(
        "event=stops-hang-restarted host="
            + host
            + " onIt="
            + onHungHost
            + " elsewhere="
            + elsewhere);
  }

  /**
   * Looks every half second for {@code hang}: the reasons reported for the desktops on the hung
   * host, whether those restarted elsewhere run again, the host's state and the age of its last
   * heartbeat.
   */
  void watch(Duration hang) throws InterruptedException {
    long end = System.nanoTime() + hang.toNanos();
    hostLeftUp = false;
    while (System.nanoTime() < end) {
      try {
        look();
      } catch (ApiException | UncheckedIOException busy) {
        log.warning("event=stops-hang-look-failed reason=\"" + busy.getMessage() + "\"");
      }
      Thread.sleep(LOOK_EVERY.toMillis());
    }
  }

  private void look() {
    JsonNode hung = stack.api().get("/api/v1/hosts/" + host);
    hostLeftUp |= !hung.path("state").asString().equals("UP");
    String heard = hung.path("lastHeartbeatAt").asString("");
    if (!heard.isEmpty()) {
      Duration silence = Duration.between(Instant.parse(heard), Instant.now());
      if (silence.compareTo(longestSilence) > 0) {
        longestSilence = silence;
      }
    }
    for (String id : onHungHost) {
      JsonNode desktop = stack.api().get("/api/v1/desktops/" + id);
      String reason = desktop.path("failureReason").asString("");
      if (desktop.path("state").asString().equals("FAILED") && reason.contains(STUCK_REASON)) {
        reasons.putIfAbsent(id, reason);
      }
    }
    for (String id : elsewhere) {
      if (stack.api().get("/api/v1/desktops/" + id).path("state").asString().equals("RUNNING")) {
        ranAgain.add(id);
      }
    }
  }

  /**
   * Whether the fault showed what it must: every stopped desktop of the hung host reported stuck
   * with the agent's reason, every one elsewhere running again, the host UP and heard from within
   * {@code grace} all along.
   *
   * @throws IllegalStateException saying what it did not show
   */
  void requireSeen(Duration grace) {
    List<String> problems = new ArrayList<>();
    List<String> unreported = new ArrayList<>(onHungHost);
    unreported.removeAll(reasons.keySet());
    if (!unreported.isEmpty()) {
      problems.add("not reported stuck: " + unreported);
    }
    List<String> notBack = new ArrayList<>(elsewhere);
    notBack.removeAll(ranAgain);
    if (!notBack.isEmpty()) {
      problems.add("restarted elsewhere and not RUNNING during the hang: " + notBack);
    }
    if (hostLeftUp || longestSilence.compareTo(grace) >= 0) {
      problems.add(host + " left UP or went silent (longest silence " + longestSilence + ")");
    }
    log.info(
        "event=stops-hang-seen host="
            + host
            + " stuck="
            + reasons.size()
            + "/"
            + onHungHost.size()
            + " elsewhereRunning="
            + (elsewhere.size() - notBack.size())
            + "/"
            + elsewhere.size()
            + " longestSilence="
            + longestSilence
            + " reason=\""
            + reasons.values().stream().findFirst().orElse("")
            + "\"");
    if (!problems.isEmpty()) {
      throw new IllegalStateException("A driver hanging on every stop: " + problems);
    }
  }

  private List<JsonNode> runningDesktopsOfTheRun() {
    return stack.api().all("/api/v1/desktops").stream()
        .filter(d -> d.path("owner").asString("").startsWith(run + "-"))
        .filter(d -> d.path("state").asString().equals("RUNNING"))
        .toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> both = new ArrayList<>(first);
    both.addAll(second);
    return both;
  }
}
