package io.veneer.controlplane.placement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.agents.AgentProperties;
import io.veneer.controlplane.hosts.Hearing;
import io.veneer.controlplane.hosts.Host;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.ObservedMemory;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The cluster as this replica places against it, kept in memory and brought up to date host by
 * host, the way kube-scheduler's cache is: PostgreSQL announces every host whose placement facts
 * changed, from any replica ({@link ClusterAnnouncements}), and only those hosts are read again. A
 * placement therefore reads O(changed hosts) rows, never the fleet. PostgreSQL stays the authority:
 * a claim is checked there against the host's generation, so a stale view costs a retry, never an
 * overcommit. {@link #verify} compares every generation with the database to find changes whose
 * announcement was lost.
 *
 * <p>Deleted desktops are not part of it: they keep their host for the record but count for no
 * anti-affinity and hold no claim.
 */
@Component
class ClusterState {

  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private static final String HOSTS =
      """
      SELECT h.id, h.state, h.labels, h.zone, h.driver_capabilities, h.vcpus, h.memory_mib, h.disk_gib,
             h.vcpu_ratio_permille, h.memory_ratio_permille, h.disk_ratio_permille, h.generation,
             COALESCE(SUM(c.vcpus), 0) AS used_vcpus,
             COALESCE(SUM(c.memory_mib), 0) AS used_memory,
             COALESCE(SUM(c.disk_gib), 0) AS used_disk,
             %s
      FROM host h LEFT JOIN resource_claim c ON c.host_id = h.id
      %s
      %%s
      GROUP BY h.id, hb.host_id
      """
          .formatted(RecentMemoryReports.COLUMNS, RecentMemoryReports.JOIN);
  // A change of what a host's guests leave unused smaller than this is not worth reading the host
  // again for: the claim checks the current report anyway, so a stale figure costs a retry at most.
  private static final long UNUSED_MEMORY_STEP_MIB = 64;
  private static final String IMAGES = "SELECT host_id, digest FROM host_image %s";
  private static final String DESKTOPS =
      "SELECT id, pool_id, owner, host_id FROM desktop"
          + " WHERE host_id IS NOT NULL AND desktop_present(state) %s";

  private final JdbcTemplate jdbc;
  private final RecentMemoryReports memoryReports;
  private final HostService hostService;
  private final Hearing hearing;
  private final Duration heartbeatInterval;
  private final Duration silentAfter;
  // Heartbeats are stamped with the system clock, not the context's Clock that tests move (pools'
  // idle times and schedules): silence is judged on the clock that stamped them.
  private final Clock clock = Clock.systemUTC();
  private final Counter hostsRead;
  private final Counter fullReads;
  private final Counter missedChanges;

  // Guarded by this: hosts in id order, so a snapshot's order is stable, and their generations.
  private final TreeMap<String, HostSnapshot> hosts = new TreeMap<>();
  private final Map<String, Long> generations = new HashMap<>();
  private ClusterSnapshot snapshot;
  private boolean readAll = true;
  // Guarded by this: the hosts not heard from for silentAfter as of silenceCheckedAt, whatever
  // their state (only an UP one is SILENT to the scheduler).
  private Set<String> silent = Set.of();
  private Instant silenceCheckedAt = Instant.EPOCH;

  private final Set<String> changed = ConcurrentHashMap.newKeySet();

  ClusterState(
      JdbcTemplate jdbc,
      RecentMemoryReports memoryReports,
      HostService hostService,
      Hearing hearing,
      AgentProperties agents,
      PlacementProperties properties,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.memoryReports = memoryReports;
    this.hostService = hostService;
    this.hearing = hearing;
    this.heartbeatInterval = Duration.ofSeconds(agents.heartbeatIntervalSeconds());
    this.silentAfter = heartbeatInterval.multipliedBy(properties.silentAfterHeartbeats());
    this.hostsRead = meters.counter("veneer.placement.cluster.hosts-read");
    this.fullReads = meters.counter("veneer.placement.cluster.full-reads");
    this.missedChanges = meters.counter("veneer.placement.cluster.missed-changes");
  }

  /** The host changed: it is read again before the next snapshot. */
  void changed(String hostId) {
    changed.add(hostId);
  }

  /** Announcements may have been missed (the listening connection was down): read everything. */
  synchronized void forget() {
    readAll = true;
  }

  /**
   * The cluster with every change announced so far read in. Read inside a transaction, it also sees
   * that transaction's own claims.
   */
  synchronized ClusterSnapshot snapshot() {
    noticeSilence();
    if (readAll) {
      readAll = false;
      changed.clear();
      readEverything();
    } else if (!changed.isEmpty()) {
      List<String> ids = new ArrayList<>(changed);
      changed.removeAll(ids);
      readHosts(ids);
    }
    if (snapshot == null) {
      snapshot = new ClusterSnapshot(List.copyOf(hosts.values()));
    }
    return snapshot;
  }

  /**
   * Compares every host's generation in the database with the one read, and marks the hosts that
   * differ (or are new or gone) as changed; returns how many. A change whose announcement is still
   * on its way counts too, which costs one needless read. Hosts whose guests' reported memory moved
   * (heartbeats change no generation) are marked too, without counting.
   */
  int verify() {
    Map<String, Long> known;
    Map<String, ObservedMemory> observedKnown = new HashMap<>();
    synchronized (this) {
      if (readAll) {
        return 0;
      }
      known = Map.copyOf(generations);
      hosts.forEach((id, host) -> observedKnown.put(id, host.observedMemory()));
    }
    Map<String, ObservedMemory> observedNow = memoryReports.all();
    observedKnown.forEach(
        (id, read) -> {
          if (moved(read, observedNow.get(id))) {
            changed.add(id);
          }
        });
    Map<String, Long> current = new HashMap<>();
    jdbc.query(
        "SELECT id, generation FROM host",
        row -> {
          current.put(row.getString(1), row.getLong(2));
        });
    Set<String> stale = new HashSet<>();
    current.forEach(
        (id, generation) -> {
          if (!generation.equals(known.get(id))) {
            stale.add(id);
          }
        });
    known.keySet().stream().filter(id -> !current.containsKey(id)).forEach(stale::add);
    if (!stale.isEmpty()) {
      missedChanges.increment(stale.size());
      log.info("event=cluster.stale-hosts count={} hosts={}", stale.size(), sample(stale));
      changed.addAll(stale);
    }
    return stale.size();
  }

  /**
   * At most once a heartbeat interval, finds the hosts not heard from for {@code silentAfter} (less
   * any time this replica could not hear them, {@link Hearing}) and marks those whose silence began
   * or ended as changed. A host cut off from its control plane is UP until its grace passes; until
   * then every desktop placed there would wait for it (the partition fault put 58 of 150 there).
   */
  private void noticeSilence() {
    if (silentAfter.isZero()) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(silenceCheckedAt.plus(heartbeatInterval))) {
      return;
    }
    silenceCheckedAt = now;
    Set<String> silentNow = hostService.silentBefore(hearing.silentBefore(now, silentAfter));
    if (silentNow.equals(silent)) {
      return;
    }
    Set<String> flipped = new HashSet<>(silentNow);
    flipped.addAll(silent);
    flipped.removeIf(id -> silentNow.contains(id) && silent.contains(id));
    log.info("event=cluster.silence silent={} changed={}", silentNow.size(), sample(flipped));
    silent = silentNow;
    changed.addAll(flipped);
  }

  private static boolean moved(ObservedMemory read, ObservedMemory now) {
    if (read == null || now == null) {
      return read != now;
    }
    return Math.abs(read.unusedMib() - now.unusedMib()) >= UNUSED_MEMORY_STEP_MIB;
  }

  private void readEverything() {
    Read read = read("", "", "");
    hosts.clear();
    generations.clear();
    hosts.putAll(read.hosts());
    generations.putAll(read.generations());
    snapshot = null;
    fullReads.increment();
    hostsRead.increment(read.hosts().size());
    log.info("event=cluster.read hosts={}", read.hosts().size());
  }

  private void readHosts(List<String> ids) {
    Read read =
        read(
            "WHERE h.id = ANY(?)",
            "WHERE host_id = ANY(?)",
            "AND host_id = ANY(?)",
            (Object) ids.toArray(String[]::new));
    for (String id : ids) {
      HostSnapshot host = read.hosts().get(id);
      if (host == null) {
        hosts.remove(id);
        generations.remove(id);
      } else {
        hosts.put(id, host);
        generations.put(id, read.generations().get(id));
      }
    }
    snapshot = null;
    hostsRead.increment(ids.size());
  }

  /** Hosts as read, with the generation each was read at. */
  private record Read(Map<String, HostSnapshot> hosts, Map<String, Long> generations) {}

  private Read read(String hostFilter, String imageFilter, String desktopFilter, Object... args) {
    Map<String, Set<String>> images = new HashMap<>();
    jdbc.query(
        IMAGES.formatted(imageFilter),
        (ResultSet row) -> {
          images
              .computeIfAbsent(row.getString("host_id"), h -> new HashSet<>())
              .add(row.getString("digest"));
        },
        args);
    Map<String, List<PlacedDesktop>> desktops = new HashMap<>();
    jdbc.query(
        DESKTOPS.formatted(desktopFilter),
        (ResultSet row) -> {
          desktops
              .computeIfAbsent(row.getString("host_id"), h -> new ArrayList<>())
              .add(
                  new PlacedDesktop(
                      row.getString("id"), row.getString("pool_id"), row.getString("owner")));
        },
        args);
    Map<String, HostSnapshot> read = new HashMap<>();
    Map<String, Long> readAt = new HashMap<>();
    // The generation and the claimed sums come from one statement, so they agree.
    Object[] hostArgs = new Object[args.length + 1];
    hostArgs[0] = memoryReports.cutoff();
    System.arraycopy(args, 0, hostArgs, 1, args.length);
    jdbc.query(
        HOSTS.formatted(hostFilter),
        (ResultSet row) -> {
          String id = row.getString("id");
          readAt.put(id, row.getLong("generation"));
          read.put(
              id,
              HostSnapshot.builder(id)
                  .state(state(id, HostStatus.valueOf(row.getString("state"))))
                  .labels(Host.parseLabels(row.getString("labels")))
                  .zone(row.getString("zone"))
                  .capabilities(HostCapabilities.read(row.getArray("driver_capabilities")))
                  .capacity(
                      row.getLong("vcpus"), row.getLong("memory_mib"), row.getLong("disk_gib"))
                  .allocated(
                      new Resources(
                          row.getLong("used_vcpus"),
                          row.getLong("used_memory"),
                          row.getLong("used_disk")))
                  .ratios(
                      new OvercommitRatios(
                          row.getInt("vcpu_ratio_permille"),
                          row.getInt("memory_ratio_permille"),
                          row.getInt("disk_ratio_permille")))
                  .cachedImages(images.getOrDefault(id, Set.of()))
                  .desktops(desktops.getOrDefault(id, List.of()))
                  .observedMemory(RecentMemoryReports.of(row))
                  .build());
        },
        hostArgs);
    return new Read(read, readAt);
  }

  private HostState state(String id, HostStatus status) {
    return status == HostStatus.UP && silent.contains(id)
        ? HostState.SILENT
        : status.forScheduler();
  }

  private static String sample(Set<String> ids) {
    return ids.stream().sorted().limit(5).collect(Collectors.joining(","));
  }
}
