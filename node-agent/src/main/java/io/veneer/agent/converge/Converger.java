package io.veneer.agent.converge;

import com.google.protobuf.Timestamp;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Converges the hypervisor to the desired desktops, level-triggered: {@link #convergeOnce} reads
 * everything desired and observed and acts on the difference, so running it twice does nothing
 * more. Messages carry spec generations; anything older than what is held is ignored, so replays
 * and reorderings are harmless. Not thread-safe: the agent calls it from one thread.
 */
public final class Converger {

  private static final Logger log = Logger.getLogger(Converger.class.getName());

  private final Hypervisor hypervisor;
  private final ImageDownloads images;
  private final StatusSink sink;
  private final Path stateDir;
  private final Duration stopGrace;
  private final Clock clock;
  private final Map<String, DesiredDesktop> desired = new HashMap<>();
  private final Map<String, Long> removedAt = new HashMap<>();
  private final Map<String, Boolean> deleteUserData = new HashMap<>();
  private final Map<String, Long> startAttemptedAt = new HashMap<>();
  private final Map<String, String> problems = new HashMap<>();
  private final Map<String, DesktopStatus> reported = new HashMap<>();
  private final Set<String> awaitingImages = new HashSet<>();
  private boolean fullSetReceived;

  public Converger(
      Hypervisor hypervisor,
      ImageDownloads images,
      StatusSink sink,
      Path dataDir,
      Duration stopGrace,
      Clock clock)
      throws IOException {
    this.hypervisor = hypervisor;
    this.images = images;
    this.sink = sink;
    this.stateDir = Files.createDirectories(dataDir.resolve("state"));
    this.stopGrace = stopGrace;
    this.clock = clock;
  }

  /** Replaces everything desired; desktops the host holds beyond it become orphans. */
  public void applyDesiredSet(List<DesiredDesktop> desktops) {
    desired.clear();
    for (DesiredDesktop desktop : desktops) {
      desired.put(desktop.getDesktopId(), desktop);
    }
    fullSetReceived = true;
  }

  /** Adds or updates one desktop, unless an equal or newer generation is held already. */
  public void upsert(DesiredDesktop desktop) {
    String id = desktop.getDesktopId();
    DesiredDesktop held = desired.get(id);
    if (held != null && held.getSpecGeneration() >= desktop.getSpecGeneration()) {
      return;
    }
    if (removedAt.getOrDefault(id, -1L) >= desktop.getSpecGeneration()) {
      return;
    }
    desired.put(id, desktop);
  }

  public void remove(DesktopRemoval removal) {
    String id = removal.getDesktopId();
    DesiredDesktop held = desired.get(id);
    if (held != null && held.getSpecGeneration() > removal.getSpecGeneration()) {
      return;
    }
    desired.remove(id);
    removedAt.put(id, removal.getSpecGeneration());
    deleteUserData.put(id, removal.getDeleteUserData());
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
    for (DesiredDesktop desktop : desired.values()) {
      digests.add(desktop.getGoldenImage().getDigest());
      if (desktop.getHardware().hasDirectKernel()) {
        digests.add(desktop.getHardware().getDirectKernel().getKernel().getDigest());
        digests.add(desktop.getHardware().getDirectKernel().getInitrd().getDigest());
      }
    }
    return Optional.of(digests);
  }

  /** One pass: remove orphans, converge every desired desktop, report what changed. */
  public void convergeOnce() {
    if (fullSetReceived) {
      for (String id : hypervisor.inventory()) {
        if (!desired.containsKey(id)) {
          removeOrphan(id);
        }
      }
    }
    for (String id : List.copyOf(awaitingImages)) {
      if (!desired.containsKey(id)) {
        // Removed before its images arrived: nothing was created, so it is simply gone.
        awaitingImages.remove(id);
        reported.remove(id);
        sink.report(absent(id));
      }
    }
    List.copyOf(desired.values()).forEach(this::convergeAndReport);
  }

  /**
   * A pass over the desktops on their way only ({@link #settling}), cheap enough to run often: the
   * settled ones, and their guests, are left alone until the next full pass.
   */
  public void convergeSettling() {
    for (DesiredDesktop desktop : List.copyOf(desired.values())) {
      DesktopStatus last = reported.get(desktop.getDesktopId());
      if (last == null || isSettling(last.getState())) {
        convergeAndReport(desktop);
      }
    }
  }

  private void convergeAndReport(DesiredDesktop desktop) {
    try {
      converge(desktop);
      problems.remove(desktop.getDesktopId());
    } catch (HypervisorException | IOException e) {
      problems.put(desktop.getDesktopId(), e.getMessage());
      log.warning(
          "event=converge-failed desktop="
              + desktop.getDesktopId()
              + " reason=\""
              + e.getMessage()
              + "\"");
    }
    report(desktop.getDesktopId(), desktop.getSpecGeneration(), desktop.getOsDiskGeneration());
  }

  /**
   * Whether a desktop is on its way somewhere (being built, starting, stopping, refreshing): then
   * it is worth looking again soon, since whoever waits for it waits for this agent to notice.
   */
  public boolean settling() {
    return reported.values().stream().map(DesktopStatus::getState).anyMatch(Converger::isSettling);
  }

  private static boolean isSettling(ObservedState state) {
    return state == ObservedState.OBSERVED_STATE_PROVISIONING
        || state == ObservedState.OBSERVED_STATE_STARTING
        || state == ObservedState.OBSERVED_STATE_STOPPING
        || state == ObservedState.OBSERVED_STATE_REFRESHING;
  }

  /** The full observed inventory, for the Hello on every (re)connect. */
  public List<DesktopStatus> inventory() {
    return hypervisor.inventory().stream()
        .map(
            id -> {
              DesiredDesktop held = desired.get(id);
              return status(
                  id,
                  held == null ? 0 : held.getSpecGeneration(),
                  appliedOsGeneration(id),
                  hypervisor.observe(id));
            })
        .toList();
  }

  /**
   * Forgets what was reported, so the next pass reports every desktop again (after a reconnect).
   */
  public void forgetReports() {
    reported.clear();
  }

  private void removeOrphan(String id) {
    try {
      hypervisor.destroy(id, deleteUserData.getOrDefault(id, false));
      Files.deleteIfExists(stateDir.resolve(id + ".os-generation"));
      log.info("event=desktop-removed desktop=" + id);
      awaitingImages.remove(id);
      reported.remove(id);
      sink.report(absent(id));
    } catch (HypervisorException | IOException e) {
      log.warning("event=remove-failed desktop=" + id + " reason=\"" + e.getMessage() + "\"");
    }
  }

  private DesktopStatus absent(String id) {
    return status(
        id, removedAt.getOrDefault(id, 0L), 0, Observation.of(ObservedState.OBSERVED_STATE_ABSENT));
  }

  private void converge(DesiredDesktop desktop) throws HypervisorException, IOException {
    String id = desktop.getDesktopId();
    Optional<GuestSpec> resolved = spec(desktop);
    if (resolved.isEmpty()) {
      awaitingImages.add(id);
      return;
    }
    awaitingImages.remove(id);
    GuestSpec spec = resolved.get();
    hypervisor.createDisks(spec);
    long applied = appliedOsGeneration(id);
    if (applied == 0) {
      recordOsGeneration(id, desktop.getOsDiskGeneration());
    } else if (desktop.getOsDiskGeneration() > applied) {
      hypervisor.stop(id, stopGrace);
      hypervisor.resetOsDisk(spec);
      recordOsGeneration(id, desktop.getOsDiskGeneration());
      log.info(
          "event=desktop-refreshed desktop="
              + id
              + " osDiskGeneration="
              + desktop.getOsDiskGeneration());
    }
    Observation observed = hypervisor.observe(id);
    ObservedState state = observed.state();
    if (desktop.getPowerState() == PowerState.POWER_STATE_RUNNING) {
      boolean down =
          state == ObservedState.OBSERVED_STATE_STOPPED
              || state == ObservedState.OBSERVED_STATE_ABSENT;
      // A failed guest stays failed (and reported) until the control plane asks again with a
      // newer spec generation: restarting a crashing guest in a loop helps nobody.
      boolean askedAgain =
          state == ObservedState.OBSERVED_STATE_FAILED
              && startAttemptedAt.getOrDefault(id, 0L) < desktop.getSpecGeneration();
      if (down || askedAgain) {
        startAttemptedAt.put(id, desktop.getSpecGeneration());
        hypervisor.start(spec);
      }
    } else if (state == ObservedState.OBSERVED_STATE_RUNNING
        || state == ObservedState.OBSERVED_STATE_STARTING) {
      hypervisor.stop(id, stopGrace);
    }
  }

  /** The guest's spec with its blobs in the cache; empty while one of them is being fetched. */
  private Optional<GuestSpec> spec(DesiredDesktop desktop) throws IOException {
    List<BlobRef> blobs = new ArrayList<>(List.of(desktop.getGoldenImage()));
    boolean directKernel = desktop.getHardware().getBootMode() == BootMode.BOOT_MODE_DIRECT_KERNEL;
    var direct = desktop.getHardware().getDirectKernel();
    if (directKernel) {
      blobs.add(direct.getKernel());
      if (direct.hasInitrd()) {
        blobs.add(direct.getInitrd());
      }
    }
    List<Path> paths = new ArrayList<>();
    boolean fetching = false;
    for (BlobRef blob : blobs) {
      switch (images.request(blob)) {
        case ImageDownloads.Availability.Ready ready -> paths.add(ready.path());
        case ImageDownloads.Availability.Fetching pending -> fetching = true;
        case ImageDownloads.Availability.Failed failed -> throw new IOException(failed.reason());
      }
    }
    if (fetching) {
      return Optional.empty();
    }
    return Optional.of(
        new GuestSpec(
            desktop.getDesktopId(),
            Math.max(1, desktop.getSize().getVcpus()),
            Math.max(64, desktop.getSize().getMemoryMib()),
            desktop.getHardware().getMachine() == MachineType.MACHINE_TYPE_MICROVM
                ? "microvm"
                : "q35",
            desktop.getHardware().getDisplay(),
            paths.get(0),
            directKernel ? paths.get(1) : null,
            directKernel && direct.hasInitrd() ? paths.get(2) : null,
            directKernel ? direct.getCmdline() : "",
            desktop.hasUserDataDisk() ? desktop.getUserDataDisk().getSizeGib() : 0,
            desktop.getNetwork()));
  }

  private void report(String id, long specGeneration, long osGeneration) {
    Observation observed = hypervisor.observe(id);
    String problem = problems.get(id);
    if (problem != null && observed.state() != ObservedState.OBSERVED_STATE_RUNNING) {
      observed = Observation.failed(problem);
    } else if (awaitingImages.contains(id)
        && observed.state() == ObservedState.OBSERVED_STATE_ABSENT) {
      observed = Observation.of(ObservedState.OBSERVED_STATE_PROVISIONING);
    }
    DesktopStatus status = status(id, specGeneration, osGeneration, observed);
    DesktopStatus last = reported.get(id);
    if (last == null
        || last.getState() != status.getState()
        || last.getSpecGeneration() != status.getSpecGeneration()
        || last.getOsDiskGeneration() != status.getOsDiskGeneration()
        || !last.getFailureReason().equals(status.getFailureReason())) {
      reported.put(id, status);
      sink.report(status);
    }
  }

  private DesktopStatus status(
      String id, long specGeneration, long osGeneration, Observation observed) {
    Instant now = clock.instant();
    DesktopStatus.Builder status =
        DesktopStatus.newBuilder()
            .setDesktopId(id)
            .setSpecGeneration(specGeneration)
            .setState(observed.state())
            .setFailureReason(observed.reason())
            .setOsDiskGeneration(osGeneration)
            .setObservedAt(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    if (observed.console() != null) {
      status.setConsole(observed.console());
    }
    return status.build();
  }

  private long appliedOsGeneration(String id) {
    try {
      Path file = stateDir.resolve(id + ".os-generation");
      return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private void recordOsGeneration(String id, long generation) throws IOException {
    Files.writeString(
        stateDir.resolve(id + ".os-generation"), Long.toString(Math.max(1, generation)));
  }
}
