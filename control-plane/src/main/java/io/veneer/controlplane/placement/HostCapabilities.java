package io.veneer.controlplane.placement;

import io.veneer.agent.v1.DriverCapabilities;
import io.veneer.agent.v1.Hello;
import io.veneer.controlplane.pools.GuestHardware;
import io.veneer.controlplane.pools.Pool;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What hosts' hypervisor drivers can do, in the scheduler's words ({@code display}, {@code
 * boot:disk}, {@code machine:q35}, {@code firmware:uefi}, {@code balloon}, ...): recorded from each
 * agent's Hello, and required by each pool's hardware, so that the scheduler's capabilities filter
 * never sends a desktop to a host whose driver would refuse it.
 */
@Component
public class HostCapabilities {

  /**
   * What a host whose agent has not reported its driver's capabilities (an older agent, or none
   * connected yet) is taken to offer: what every Veneer driver has always done.
   */
  static final Set<String> BASELINE = Set.of("boot:disk", "machine:q35", "firmware:bios");

  /**
   * A driver that boots shared-root desktops of a tree without its own kernel and initrd (the
   * container driver, on the host's kernel); a shared-root virtual machine boots the tree's.
   */
  static final String TREE_WITHOUT_KERNEL = "shared-root:tree-without-kernel";

  private static final Logger log = LoggerFactory.getLogger(HostCapabilities.class);

  private final JdbcTemplate jdbc;

  HostCapabilities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores what the agent's Hello says its driver can do; nothing when it did not say. */
  public void record(Hello hello) {
    Set<String> offered = hello.hasCapabilities() ? of(hello.getCapabilities()) : null;
    // The names are [a-z0-9:-] only, so they make an array literal as they are.
    String array = offered == null ? null : "{" + String.join(",", offered) + "}";
    int changed =
        jdbc.update(
            "UPDATE host SET driver_capabilities = ?::text[] WHERE id = ?"
                + " AND driver_capabilities IS DISTINCT FROM ?::text[]",
            array,
            hello.getHostId(),
            array);
    if (changed > 0) {
      log.info(
          "event=host.capabilities host={} driver={} capabilities={}",
          hello.getHostId(),
          hello.getHypervisor(),
          offered == null ? "unreported" : offered);
    }
  }

  /** The names of what a driver can do, sorted. */
  static Set<String> of(DriverCapabilities driver) {
    Set<String> names = new TreeSet<>();
    driver.getBootModesList().forEach(mode -> add(names, "boot", mode.name(), "BOOT_MODE_"));
    driver
        .getMachinesList()
        .forEach(machine -> add(names, "machine", machine.name(), "MACHINE_TYPE_"));
    driver
        .getFirmwaresList()
        .forEach(firmware -> add(names, "firmware", firmware.name(), "FIRMWARE_"));
    if (driver.getDisplay()) {
      names.add("display");
    }
    if (driver.getBalloon()) {
      names.add("balloon");
    }
    if (driver.getPersistentUserDisk()) {
      names.add("persistent-user-disk");
    }
    if (driver.getReadoption()) {
      names.add("readoption");
    }
    if (driver.getSharedRootWithoutKernel()) {
      names.add(TREE_WITHOUT_KERNEL);
    }
    return names;
  }

  private static void add(Set<String> names, String kind, String enumName, String prefix) {
    String value = enumName.replaceFirst("^" + prefix, "");
    if (!value.equals("UNSPECIFIED") && !value.equals("UNRECOGNIZED")) {
      names.add(kind + ":" + value.toLowerCase(Locale.ROOT).replace('_', '-'));
    }
  }

  /** What a host's driver must be able to do to run a desktop of this pool. */
  static Set<String> requiredBy(Pool pool) {
    GuestHardware hardware = pool.spec().hardware();
    Set<String> needed = new TreeSet<>();
    needed.add("boot:" + hardware.bootMode());
    if (hardware.bootMode().equals("shared-root") && !pool.treeCarriesKernel()) {
      needed.add(TREE_WITHOUT_KERNEL);
    }
    needed.add("machine:" + hardware.machine());
    needed.add("firmware:" + hardware.firmware());
    if (hardware.display()) {
      needed.add("display");
    }
    return needed;
  }

  /** The column as ClusterState reads it: what the driver offers, or the baseline if unreported. */
  static Set<String> read(Array column) throws SQLException {
    return column == null ? BASELINE : Set.of((String[]) column.getArray());
  }
}
