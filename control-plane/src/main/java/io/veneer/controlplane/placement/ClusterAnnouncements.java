package io.veneer.controlplane.placement;

import io.veneer.controlplane.common.PostgresChannel;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link ClusterState} with what changed: PostgreSQL channel {@code veneer_cluster} carries
 * the id of every host whose claims, images, desktops or facts a commit changed, from any replica
 * (triggers in {@code V8__fleet_working_set.sql}). When listening (re)starts, everything is read
 * again; every {@code verify-interval}, the generations are compared with the database, which finds
 * a change whose announcement was lost.
 */
@Component
class ClusterAnnouncements extends PostgresChannel {

  private final ClusterState cluster;
  private final long verifyNanos;
  private long nextVerify;

  ClusterAnnouncements(
      DataSource dataSource, ClusterState cluster, PlacementProperties properties) {
    super(dataSource, "veneer_cluster");
    this.cluster = cluster;
    this.verifyNanos = properties.verifyInterval().toNanos();
    this.nextVerify = System.nanoTime() + verifyNanos;
  }

  @Override
  protected void listening() {
    cluster.forget();
  }

  @Override
  protected void received(Set<String> hosts) {
    hosts.forEach(cluster::changed);
  }

  @Override
  protected void tick() {
    if (System.nanoTime() - nextVerify > 0) {
      cluster.verify();
      nextVerify = System.nanoTime() + verifyNanos;
    }
  }
}
