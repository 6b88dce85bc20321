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

  ClusterAnnouncements(
      DataSource dataSource, ClusterState cluster, PlacementProperties properties) {
    super(dataSource, "veneer_cluster", properties.verifyInterval());
    this.cluster = cluster;
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
  protected void periodically() {
    cluster.verify();
  }
}
