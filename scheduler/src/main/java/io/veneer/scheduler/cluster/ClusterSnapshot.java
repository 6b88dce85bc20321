package io.veneer.scheduler.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every host at one moment, in a stable order (the order the caller gave). Immutable. */
public record ClusterSnapshot(List<HostSnapshot> hosts) {

  public ClusterSnapshot {
    hosts = List.copyOf(hosts);
    Set<String> ids = new HashSet<>();
    for (HostSnapshot host : hosts) {
      if (!ids.add(host.id())) {
        throw new IllegalArgumentException("Host " + host.id() + " appears twice in the snapshot");
      }
    }
  }

  public static ClusterSnapshot of(HostSnapshot... hosts) {
    return new ClusterSnapshot(List.of(hosts));
  }

  public int size() {
    return hosts.size();
  }
}
