package io.veneer.scheduler.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One host as the scheduler sees it at one moment. Immutable. The engine reads the figures it needs
 * for every examined host from {@link ClusterSnapshot}'s arrays rather than from here.
 */
public final class HostSnapshot {

  private final String id;
  private final HostState state;
  private final Map<String, String> labels;
  private final String zone;
  private final Resources capacity;
  private final Resources allocated;
  private final OvercommitRatios ratios;
  private final Resources limit;
  private final ObservedMemory observedMemory;
  private final Set<String> cachedImages;
  private final Set<String> capabilities;
  private final List<PlacedDesktop> desktops;
  private final long allocatedVcpus;
  private final long allocatedMemoryMib;
  private final long allocatedDiskGib;
  private final long limitVcpus;
  private final long limitMemoryMib;
  private final long limitDiskGib;

  private HostSnapshot(Builder builder) {
    this.id = requireText(builder.id, "id");
    this.state = Objects.requireNonNull(builder.state, "state");
    this.labels = Map.copyOf(builder.labels);
    this.zone = builder.zone == null ? "" : builder.zone;
    this.capacity = Objects.requireNonNull(builder.capacity, "capacity of host " + id);
    this.allocated = Objects.requireNonNull(builder.allocated, "allocated");
    this.ratios = Objects.requireNonNull(builder.ratios, "ratios");
    this.limit = ratios.limitOf(capacity);
    this.observedMemory = builder.observedMemory;
    this.cachedImages = Set.copyOf(builder.cachedImages);
    this.capabilities = Set.copyOf(builder.capabilities);
    this.desktops = List.copyOf(builder.desktops);
    this.allocatedVcpus = allocated.vcpus();
    this.allocatedMemoryMib = allocated.memoryMib();
    this.allocatedDiskGib = allocated.diskGib();
    this.limitVcpus = limit.vcpus();
    this.limitMemoryMib = limit.memoryMib();
    this.limitDiskGib = limit.diskGib();
  }

  public static Builder builder(String id) {
    return new Builder(id);
  }

  public String id() {
    return id;
  }

  public HostState state() {
    return state;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public String zone() {
    return zone;
  }

  public Resources capacity() {
    return capacity;
  }

  /** What the desktops placed here claim. */
  public Resources allocated() {
    return allocated;
  }

  public long allocatedVcpus() {
    return allocatedVcpus;
  }

  public long allocatedMemoryMib() {
    return allocatedMemoryMib;
  }

  public long allocatedDiskGib() {
    return allocatedDiskGib;
  }

  public long limitVcpus() {
    return limitVcpus;
  }

  public long limitMemoryMib() {
    return limitMemoryMib;
  }

  public long limitDiskGib() {
    return limitDiskGib;
  }

  public OvercommitRatios ratios() {
    return ratios;
  }

  /** Capacity times the overcommit ratios: the most that may be allocated. */
  public Resources limit() {
    return limit;
  }

  /**
   * What the host's guests were given and use by its agent's last recent report; null when there is
   * none (no recent report, or an agent that cannot see inside its guests).
   */
  public ObservedMemory observedMemory() {
    return observedMemory;
  }

  /** What its guests leave unused by a recent report, or {@link MemoryFit#UNOBSERVED}. */
  public long unusedMemoryMib() {
    return observedMemory == null ? MemoryFit.UNOBSERVED : observedMemory.unusedMib();
  }

  public Set<String> cachedImages() {
    return cachedImages;
  }

  /**
   * What the host's hypervisor driver can do, as its agent reported it: names like {@code display}
   * or {@code firmware:uefi}.
   */
  public Set<String> capabilities() {
    return capabilities;
  }

  public List<PlacedDesktop> desktops() {
    return desktops;
  }

  /** Desktops of the pool on this host; 0 for an empty pool id. */
  public int desktopsOfPool(String poolId) {
    return poolId.isEmpty()
        ? 0
        : (int) desktops.stream().filter(d -> d.poolId().equals(poolId)).count();
  }

  /** Desktops of the user on this host; 0 for an empty user id (unassigned desktops). */
  public int desktopsOfUser(String userId) {
    return userId.isEmpty()
        ? 0
        : (int) desktops.stream().filter(d -> d.userId().equals(userId)).count();
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("A host needs a " + name);
    }
    return value;
  }

  @Override
  public String toString() {
    return "HostSnapshot[" + id + " " + state + " allocated=" + allocated + " limit=" + limit + "]";
  }

  /**
   * Builds a host; only the id and the capacity are required. A missing zone, labels, images or
   * desktops (null, as a database column may give) mean none.
   */
  public static final class Builder {
    private final String id;
    private HostState state = HostState.UP;
    private Map<String, String> labels = Map.of();
    private String zone = "";
    private Resources capacity;
    private Resources allocated = Resources.ZERO;
    private OvercommitRatios ratios = OvercommitRatios.DEFAULT;
    private ObservedMemory observedMemory;
    private Set<String> cachedImages = Set.of();
    private Set<String> capabilities = Set.of();
    private List<PlacedDesktop> desktops = List.of();

    private Builder(String id) {
      this.id = id;
    }

    public Builder state(HostState state) {
      this.state = state;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels == null ? Map.of() : labels;
      return this;
    }

    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    public Builder capacity(long vcpus, long memoryMib, long diskGib) {
      return capacity(new Resources(vcpus, memoryMib, diskGib));
    }

    public Builder capacity(Resources capacity) {
      this.capacity = capacity;
      return this;
    }

    public Builder allocated(Resources allocated) {
      this.allocated = allocated;
      return this;
    }

    public Builder ratios(OvercommitRatios ratios) {
      this.ratios = ratios;
      return this;
    }

    /** Its guests' memory by a recent report of its agent; null (the default) for none. */
    public Builder observedMemory(ObservedMemory observedMemory) {
      this.observedMemory = observedMemory;
      return this;
    }

    public Builder cachedImages(Set<String> cachedImages) {
      this.cachedImages = cachedImages == null ? Set.of() : cachedImages;
      return this;
    }

    public Builder capabilities(Set<String> capabilities) {
      this.capabilities = capabilities == null ? Set.of() : capabilities;
      return this;
    }

    public Builder desktops(List<PlacedDesktop> desktops) {
      this.desktops = desktops == null ? List.of() : desktops;
      return this;
    }

    public HostSnapshot build() {
      return new HostSnapshot(this);
    }
  }
}
