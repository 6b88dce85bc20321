package io.veneer.controlplane.userdata;

import io.veneer.controlplane.desktops.Desktop;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The user-data disks of pools that give them (V46): one per user and pool, recorded at the user's
 * first request and made by the agent of the host their desktop lands on, where it then lives.
 * Every method runs inside its caller's transaction.
 */
@Service
public class UserDataDisks {

  /**
   * Whether the desktop the disk was last attached to may still have it open: it is still there,
   * was placed, and either still names the disk or its agent has not reported an OS disk newer than
   * the one it had when the disk was attached (a logoff rebuilds it, stopping its guest first).
   */
  private static final String HELD =
      """
      SELECT EXISTS (
        SELECT 1 FROM user_data_disk u JOIN desktop d ON d.id = u.desktop_id
        WHERE u.id = ? AND d.id <> ?
          AND desktop_present(d.state) AND d.state <> 'REQUESTED'
          AND (d.user_data_disk_id IS NOT DISTINCT FROM u.id
               OR d.seen_os_disk_generation <= u.attached_os_disk_generation))
      """;

  private final JdbcTemplate jdbc;
  private final Clock clock;

  UserDataDisks(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The user's disk in the pool, recorded now when they have none yet; locked until commit. */
  public UserDataDisk lockOrRecord(UUID poolId, String owner, long sizeGib) {
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.update(
        """
        INSERT INTO user_data_disk (id, pool_id, owner, size_gib, created_at, attached_at)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, owner) DO NOTHING
        """,
        UUID.randomUUID(),
        poolId,
        owner,
        sizeGib,
        now,
        now);
    return jdbc.queryForObject(
        "SELECT * FROM user_data_disk WHERE pool_id = ? AND owner = ? FOR UPDATE",
        UserDataDisks::disk,
        poolId,
        owner);
  }

  /**
   * Attaches the disk to the desktop handed to its owner, when the desktop's host can have it (see
   * {@link UserDataDisk#reachableFrom}); returns whether it did.
   *
   * @throws UserDataDiskBusyException when the owner's previous desktop may still have it open
   */
  public boolean attach(UserDataDisk disk, Desktop desktop) {
    if (desktop.userDataDiskId().filter(disk.id()::equals).isPresent()) {
      return true;
    }
    if (desktop.hostId().filter(host -> !disk.reachableFrom(host)).isPresent()) {
      return false;
    }
    if (Boolean.TRUE.equals(jdbc.queryForObject(HELD, Boolean.class, disk.id(), desktop.id()))) {
      throw new UserDataDiskBusyException(disk.id(), disk.desktopId().orElseThrow());
    }
    desktop.attachUserData(disk.id());
    jdbc.update(
        """
        UPDATE user_data_disk SET desktop_id = ?, attached_os_disk_generation = ?,
               attached_at = ?, host_id = COALESCE(host_id, ?)
        WHERE id = ?
        """,
        desktop.id(),
        desktop.osDiskGeneration(),
        Timestamp.from(clock.instant()),
        desktop.hostId().orElse(null),
        disk.id());
    return true;
  }

  /**
   * Records where the pool's disks live once the desktops they were first attached to are placed;
   * the pool controller calls it on every pass.
   */
  public int recordHosts(UUID poolId) {
    return jdbc.update(
        """
        UPDATE user_data_disk u SET host_id = d.host_id FROM desktop d
        WHERE u.pool_id = ? AND u.host_id IS NULL AND d.id = u.desktop_id
          AND d.host_id IS NOT NULL
        """,
        poolId);
  }

  /** The disk by id. */
  public Optional<UserDataDisk> find(UUID id) {
    return jdbc.query("SELECT * FROM user_data_disk WHERE id = ?", UserDataDisks::disk, id).stream()
        .findFirst();
  }

  /** The host the user's disk in the pool lives on, if it has one yet. */
  public Optional<String> hostOf(UUID poolId, String owner) {
    return jdbc
        .query(
            "SELECT host_id FROM user_data_disk WHERE pool_id = ? AND owner = ?"
                + " AND host_id IS NOT NULL",
            (rs, i) -> rs.getString(1),
            poolId,
            owner)
        .stream()
        .findFirst();
  }

  private static UserDataDisk disk(ResultSet rs, int row) throws SQLException {
    return new UserDataDisk(
        rs.getObject("id", UUID.class),
        rs.getObject("pool_id", UUID.class),
        rs.getString("owner"),
        rs.getLong("size_gib"),
        Optional.ofNullable(rs.getString("host_id")),
        Optional.ofNullable(rs.getObject("desktop_id", UUID.class)));
  }
}
