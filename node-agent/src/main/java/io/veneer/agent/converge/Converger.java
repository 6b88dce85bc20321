package io.veneer.agent.converge;

import com.google.protobuf.Timestamp;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Converges the hypervisor to the desired desktops, level-triggered: {@link #convergeOnce} reads
 * everything desired and observed and acts on the difference, so running it twice does nothing
 * more. Messages carry spec generations; anything older than what is held is ignored, so replays
 * and reorderings are harmless.
 *
 * <p>The converger only schedules and observes. Every driver call runs on the desktop's own worker
 * ({@link DesktopWork}), one call per desktop at a time, and its outcome comes back on the loop: so
 * a guest that hangs in a stop delays neither heartbeats nor any other desktop. State is one {@link
 * LocalDesktop} per desktop, touched only on the loop thread.
 */
public final class Converger {

  private static final Logger log = Logger.getLogger(Converger.class.getName());

  private final Hypervisor hypervisor;
  private final DriverCapabilities capabilities;
  private final GuestSpecs specs;
  private final StatusSink sink;
  private final DesktopWork work;
  private final Duration stuckAfter;
  private final Clock clock;
  private final Executor loop;
  private final Executor workers;
  private final Map<String, LocalDesktop> desktops = new HashMap<>();
  private boolean fullSetReceived;
  private Runnable whenAdopted;

  /**
   * A converger whose driver calls run on the caller's thread: for tests and tools that drive it by
   * hand, one pass at a time.
   */
  public Converger(
      Hypervisor hypervisor,
      ImageDownloads images,
      StatusSink sink,
      Path dataDir,
      Duration stopGrace,
      Clock clock)
      throws IOException {
    // Calls on the caller's thread end within the pass that made them: none is ever stuck.
    this(
        hypervisor,
        images,
        sink,
        dataDir,
        stopGrace,
        stopGrace.plusDays(1),
        clock,
        Runnable::run,
        Runnable::run);
  }

  /**
   * @param stuckAfter how long a desktop's driver call may run before the desktop is reported
   *     FAILED, saying so (its call's outcome is reported when it comes)
   * @param loop the thread that calls this converger; workers hand their outcomes to it
   * @param workers runs each desktop's driver calls (a virtual thread per call in the agent)
   */
  public Converger(
      Hypervisor hypervisor,
      ImageDownloads images,
      StatusSink sink,
      Path dataDir,
      Duration stopGrace,
      Duration stuckAfter,
      Clock clock,
      Executor loop,
      Executor workers)
      throws IOException {
    this.hypervisor = hypervisor;
    this.capabilities = hypervisor.capabilities();
    this.specs = new GuestSpecs(images);
    this.sink = sink;
    this.work =
        new DesktopWork(hypervisor, Files.createDirectories(dataDir.resolve("state")), stopGrace);
    this.stuckAfter = stuckAfter;
    this.clock = clock;
    this.loop = loop;
    this.workers = workers;
  }

  /**
   * Looks at every desktop the host already holds (guests outlive the agent), then runs {@code
   * then} on the loop: the Hello must name them all, or the control plane would rebuild them
   * elsewhere.
   */
  public void adopt(Runnable then) {
    for (String id : hypervisor.inventory()) {
      desktops.computeIfAbsent(id, LocalDesktop::held);
    }
    whenAdopted = then;
    for (LocalDesktop held : List.copyOf(desktops.values())) {
      if (!held.busy() && held.observed() == null) {
        dispatch(held, false, desktop -> work.observe(desktop, ""));
      }
    }
    adoptedIfSeen();
  }

  /** Replaces everything desired; desktops the host holds beyond it become orphans. */
  public void applyDesiredSet(List<DesiredDesktop> wanted) {
    Map<String, DesiredDesktop> byId = new HashMap<>();
    wanted.forEach(desktop -> byId.put(desktop.getDesktopId(), desktop));
    // The full set supersedes every removal before it: the tombstones of those done end here,
    // and a removal still under way keeps its own terms (whether to delete the user-data disk).
    for (LocalDesktop held : List.copyOf(desktops.values())) {
      if (byId.containsKey(held.id())) {
        continue;
      }
      if (held.removal() == null) {
        desktops.put(held.id(), held.orphan());
      } else if (held.absent() && !held.busy()) {
        desktops.remove(held.id());
      }
    }
    byId.forEach((id, desktop) -> desktops.put(id, holding(id).desire(desktop)));
    fullSetReceived = true;
  }

  /** Adds or updates one desktop, unless an equal or newer generation is held already. */
  public void upsert(DesiredDesktop desktop) {
    LocalDesktop held = holding(desktop.getDesktopId());
    if (held.known() && held.specGeneration() >= desktop.getSpecGeneration()) {
      return;
    }
    desktops.put(held.id(), held.desire(desktop));
  }

  public void remove(DesktopRemoval removal) {
    LocalDesktop held = holding(removal.getDesktopId());
    if (held.desired() != null && held.specGeneration() > removal.getSpecGeneration()) {
      return;
    }
    desktops.put(held.id(), held.remove(removal));
  }

  private LocalDesktop holding(String id) {
    LocalDesktop held = desktops.get(id);
    return held == null ? LocalDesktop.held(id) : held;
  }

  /**
   * The blobs (golden images, kernels, initrds) the desired desktops use; empty until the full
   * desired set has arrived, because until then nobody knows what the host needs.
   */
  public Optional<Set<String>> desiredImages() {
    if (!fullSetReceived) {
      return Optional.empty();
    }
    Set<String> digests = new HashSet<>();
    for (LocalDesktop held : desktops.values()) {
      DesiredDesktop desktop = held.desired();
      if (desktop == null) {
        continue;
      }
      digests.add(desktop.getGoldenImage().getDigest());
      if (desktop.getHardware().hasDirectKernel()) {
        digests.add(desktop.getHardware().getDirectKernel().getKernel().getDigest());
        digests.add(desktop.getHardware().getDirectKernel().getInitrd().getDigest());
      }
    }
    return Optional.of(digests);
  }

  /** One pass: find orphans, give every desktop not already being worked on its next step. */
  public void convergeOnce() {
    if (fullSetReceived) {
      for (String id : hypervisor.inventory()) {
        desktops.computeIfAbsent(id, LocalDesktop::held);
      }
    }
    Instant now = clock.instant();
    for (LocalDesktop held : List.copyOf(desktops.values())) {
      if (!held.busy()) {
        step(held);
      } else if (held.stuck(now, stuckAfter)) {
        reportStuck(held);
      }
    }
  }

  /**
   * The desktop's driver call has not returned for longer than it may: FAILED, with when it began,
   * so that a person sees it rather than a desktop waiting for good. Its guest may still run: it
   * stays on this host, and the call's outcome, when it comes, is reported as usual.
   */
  private void reportStuck(LocalDesktop held) {
    String reason =
        "the host's driver has not answered for this desktop since "
            + held.busySince()
            + " (longer than "
            + stuckAfter.toSeconds()
            + " s); its guest may still be running";
    long osGeneration = held.desired().getOsDiskGeneration();
    if (send(
        held, status(held.id(), held.specGeneration(), osGeneration, Observation.failed(reason)))) {
      log.warning("event=desktop-stuck desktop=" + held.id() + " since=" + held.busySince());
    }
  }

  /**
   * A pass over the desktops on their way only, cheap enough to run often: the settled ones, and
   * their guests, are left alone until the next full pass.
   */
  public void convergeSettling() {
    for (LocalDesktop held : List.copyOf(desktops.values())) {
      if (!held.busy() && held.desired() != null && (held.reported() == null || held.settling())) {
        step(held);
      }
    }
  }

  private void step(LocalDesktop held) {
    if (held.desired() != null) {
      converge(held);
    } else if (held.removal() != null || fullSetReceived) {
      if (!held.absent()) {
        dispatch(held, false, work::destroy);
      } else if (held.removal() == null) {
        desktops.remove(held.id());
      }
    }
  }

  private void converge(LocalDesktop held) {
    Optional<GuestSpec> spec;
    try {
      spec = specs.resolve(held.desired());
    } catch (IOException e) {
      String problem = e.getMessage();
      dispatch(held, false, desktop -> work.observe(desktop, problem));
      return;
    }
    if (spec.isEmpty()) {
      dispatch(held, true, desktop -> work.observe(desktop, ""));
    } else {
      GuestSpec guest = spec.get();
      Optional<String> refusal = capabilities.refusal(guest, hypervisor.name());
      if (refusal.isPresent()) {
        dispatch(held, false, desktop -> work.observe(desktop, refusal.get()));
      } else {
        dispatch(held, false, desktop -> work.converge(desktop, guest));
      }
    }
  }

  /** Hands the desktop to its worker; at most one call per desktop is in flight. */
  private void dispatch(
      LocalDesktop held, boolean awaitingImages, Function<LocalDesktop, DesktopWork.Outcome> call) {
    LocalDesktop busy = held.working(awaitingImages, clock.instant());
    desktops.put(held.id(), busy);
    workers.execute(
        () -> {
          DesktopWork.Outcome outcome;
          try {
            outcome = call.apply(busy);
          } catch (RuntimeException e) {
            log.warning("event=desktop-work-failed desktop=" + held.id() + " reason=\"" + e + "\"");
            outcome =
                new DesktopWork.Outcome(
                    Observation.failed(e.toString()), e.toString(), busy.startAttemptedAt());
          }
          DesktopWork.Outcome done = outcome;
          try {
            loop.execute(() -> finished(held.id(), done));
          } catch (RejectedExecutionException e) {
            log.fine("event=agent-closing dropped=desktop-outcome desktop=" + held.id());
          }
        });
  }

  private void finished(String id, DesktopWork.Outcome outcome) {
    LocalDesktop held = desktops.get(id);
    if (held == null) {
      return;
    }
    LocalDesktop done =
        held.finished(outcome.observed(), outcome.problem(), outcome.startAttemptedAt());
    if (!done.known() && done.absent() && fullSetReceived) {
      // An orphan destroyed: nothing of it is kept.
      desktops.remove(id);
      sink.report(status(id, 0, 0, done.observed()));
    } else {
      desktops.put(id, done);
      report(done);
    }
    adoptedIfSeen();
  }

  private void adoptedIfSeen() {
    if (whenAdopted != null
        && desktops.values().stream().allMatch(desktop -> desktop.observed() != null)) {
      Runnable then = whenAdopted;
      whenAdopted = null;
      then.run();
    }
  }

  /** Whether a desktop is on its way somewhere: then the agent looks again soon. */
  public boolean settling() {
    return desktops.values().stream().anyMatch(LocalDesktop::settling);
  }

  /**
   * The full observed inventory, for the Hello on every (re)connect: every desktop the host holds
   * (the driver's listing, which asks no guest) as the workers last saw it. One not looked at yet
   * (its driver is slow to answer) is named as STARTING, so that the control plane keeps it here;
   * its next report says what it is.
   */
  public List<DesktopStatus> inventory() {
    List<DesktopStatus> inventory = new ArrayList<>();
    for (String id : hypervisor.inventory()) {
      LocalDesktop held = holding(id);
      Observation observed =
          held.observed() == null || held.absent()
              ? Observation.of(GuestState.STARTING)
              : held.observed();
      inventory.add(
          status(
              id,
              held.desired() == null ? 0 : held.specGeneration(),
              work.appliedOsGeneration(id),
              observed));
    }
    return inventory;
  }

  /** How many guests were last seen running; no driver call. */
  public int runningDesktops() {
    return (int)
        desktops.values().stream()
            .filter(
                held -> held.observed() != null && held.observed().state() == GuestState.RUNNING)
            .count();
  }

  /** How many desktops were last reported in each state, by the state's wire name. */
  public Map<String, Integer> desktopsByState() {
    Map<String, Integer> counts = new TreeMap<>();
    for (LocalDesktop held : desktops.values()) {
      if (held.reported() != null) {
        String state = held.reported().getState().name().replaceFirst("^OBSERVED_STATE_", "");
        counts.merge(state.toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** How many desktops have a driver call running on their worker. */
  public int driverCallsInFlight() {
    return (int) desktops.values().stream().filter(LocalDesktop::busy).count();
  }

  /**
   * Forgets what was reported, so the next pass reports every desktop again (after a reconnect).
   */
  public void forgetReports() {
    desktops.replaceAll((id, held) -> held.withReported(null));
  }

  private void report(LocalDesktop held) {
    Observation observed = held.observed();
    if (observed == null || !held.known()) {
      // Orphans and guests found on disk are named in the Hello and reported once removed.
      return;
    }
    long osGeneration = held.desired() == null ? 0 : held.desired().getOsDiskGeneration();
    DesktopStatus status;
    if (!held.problem().isEmpty() && observed.state() != GuestState.RUNNING) {
      status =
          status(
              held.id(), held.specGeneration(), osGeneration, Observation.failed(held.problem()));
    } else if (held.awaitingImages() && observed.state() == GuestState.ABSENT) {
      status =
          status(held.id(), held.specGeneration(), osGeneration, observed).toBuilder()
              .setState(ObservedState.OBSERVED_STATE_PROVISIONING)
              .build();
    } else {
      status = status(held.id(), held.specGeneration(), osGeneration, observed);
    }
    send(held, status);
  }

  /** Sends the status unless it says what was last sent; returns whether it was sent. */
  private boolean send(LocalDesktop held, DesktopStatus status) {
    DesktopStatus last = held.reported();
    if (last != null
        && last.getState() == status.getState()
        && last.getSpecGeneration() == status.getSpecGeneration()
        && last.getOsDiskGeneration() == status.getOsDiskGeneration()
        && last.getFailureReason().equals(status.getFailureReason())) {
      return false;
    }
    desktops.put(held.id(), held.withReported(status));
    sink.report(status);
    return true;
  }

  private static ObservedState wire(GuestState state) {
    return switch (state) {
      case ABSENT -> ObservedState.OBSERVED_STATE_ABSENT;
      case STARTING -> ObservedState.OBSERVED_STATE_STARTING;
      case RUNNING -> ObservedState.OBSERVED_STATE_RUNNING;
      case STOPPING -> ObservedState.OBSERVED_STATE_STOPPING;
      case STOPPED -> ObservedState.OBSERVED_STATE_STOPPED;
      case FAILED -> ObservedState.OBSERVED_STATE_FAILED;
    };
  }

  private DesktopStatus status(
      String id, long specGeneration, long osGeneration, Observation observed) {
    Instant now = clock.instant();
    DesktopStatus.Builder status =
        DesktopStatus.newBuilder()
            .setDesktopId(id)
            .setSpecGeneration(specGeneration)
            .setState(wire(observed.state()))
            .setFailureReason(observed.reason())
            .setOsDiskGeneration(osGeneration)
            .setObservedAt(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    if (observed.console() != null) {
      status.setConsole(observed.console());
    }
    return status.build();
  }
}
