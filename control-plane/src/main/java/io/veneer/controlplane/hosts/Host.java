package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A hypervisor host. Its {@code generation} is owned by {@code placement.ResourceClaims} (plain
 * SQL, bumped by every claim), so JPA never writes it. Its capacity is what an admin registered, or
 * less when its agent reports less; labels and zone are the admin's alone. Its heartbeats are kept
 * apart ({@link HostHeartbeats}), so that they never wait for a placement holding the row.
 */
@Entity
@Table(name = "host")
public class Host {

  @Id private String id;

  private long vcpus;

  @Column(name = "memory_mib")
  private long memoryMib;

  @Column(name = "disk_gib")
  private long diskGib;

  @Column(name = "registered_vcpus")
  private long registeredVcpus;

  @Column(name = "registered_memory_mib")
  private long registeredMemoryMib;

  @Column(name = "registered_disk_gib")
  private long registeredDiskGib;

  @Column(name = "vcpu_ratio_permille")
  private int vcpuRatioPermille;

  @Column(name = "memory_ratio_permille")
  private int memoryRatioPermille;

  @Column(name = "disk_ratio_permille")
  private int diskRatioPermille;

  @Column(nullable = false)
  private String labels;

  @Column(nullable = false)
  private String zone;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private HostStatus state;

  @Column(insertable = false, updatable = false)
  private long generation;

  @Column(name = "agent_token_sha256")
  private String agentTokenSha256;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected Host() {}

  public Host(
      String id,
      Resources capacity,
      OvercommitRatios ratios,
      Map<String, String> labels,
      String zone,
      Instant now) {
    this.id = id;
    this.createdAt = now;
    this.state = HostStatus.UP;
    this.vcpuRatioPermille = ratios.vcpuPermille();
    this.memoryRatioPermille = ratios.memoryPermille();
    this.diskRatioPermille = ratios.diskPermille();
    update(capacity, labels, zone);
  }

  /** An admin's registration: the capacity, labels and zone the host may have. */
  public final void update(Resources capacity, Map<String, String> newLabels, String newZone) {
    this.registeredVcpus = capacity.vcpus();
    this.registeredMemoryMib = capacity.memoryMib();
    this.registeredDiskGib = capacity.diskGib();
    this.vcpus = capacity.vcpus();
    this.memoryMib = capacity.memoryMib();
    this.diskGib = capacity.diskGib();
    this.labels =
        new TreeMap<>(newLabels)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    this.zone = newZone == null ? "" : newZone;
  }

  /**
   * What the host's agent reports it has: of each resource the host keeps the smaller of that and
   * its registration, so an agent can lower its host's capacity but never raise it.
   */
  public void reported(Resources capacity) {
    Resources capped = cappedTo(capacity);
    this.vcpus = capped.vcpus();
    this.memoryMib = capped.memoryMib();
    this.diskGib = capped.diskGib();
  }

  /**
   * The capacity the host has once its agent reported {@code capacity}: never above the admin's.
   */
  Resources cappedTo(Resources capacity) {
    return new Resources(
        Math.min(registeredVcpus, capacity.vcpus()),
        Math.min(registeredMemoryMib, capacity.memoryMib()),
        Math.min(registeredDiskGib, capacity.diskGib()));
  }

  /** Only through {@link HostService#changeState}, which follows {@link HostLifecycle}. */
  void changeState(HostStatus next) {
    state = next;
  }

  public void setAgentTokenSha256(String sha256) {
    agentTokenSha256 = sha256;
  }

  public String id() {
    return id;
  }

  public Resources capacity() {
    return new Resources(vcpus, memoryMib, diskGib);
  }

  public Resources registeredCapacity() {
    return new Resources(registeredVcpus, registeredMemoryMib, registeredDiskGib);
  }

  public OvercommitRatios ratios() {
    return new OvercommitRatios(vcpuRatioPermille, memoryRatioPermille, diskRatioPermille);
  }

  public Map<String, String> labels() {
    return parseLabels(labels);
  }

  /** The labels as the {@code labels} column stores them ({@code k=v,k=v}, sorted by key). */
  public static Map<String, String> parseLabels(String joined) {
    if (joined == null || joined.isEmpty()) {
      return Map.of();
    }
    return Arrays.stream(joined.split(","))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
  }

  public String zone() {
    return zone;
  }

  public HostStatus state() {
    return state;
  }

  public long generation() {
    return generation;
  }

  public Optional<String> agentTokenSha256() {
    return Optional.ofNullable(agentTokenSha256);
  }
}
