package io.veneer.loadtests.report;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One row of the control plane's {@code resource_claim} table: what a desktop holds on a host. */
public record Claim(String desktopId, String hostId, long vcpus, long memoryMib, long diskGib) {

  public static List<Claim> readAll(Connection db) throws SQLException {
    List<Claim> claims = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT desktop_id, host_id, vcpus, memory_mib, disk_gib FROM resource_claim")) {
      while (rows.next()) {
        claims.add(
            new Claim(
                rows.getString(1),
                rows.getString(2),
                rows.getLong(3),
                rows.getLong(4),
                rows.getLong(5)));
      }
    }
    return claims;
  }
}
