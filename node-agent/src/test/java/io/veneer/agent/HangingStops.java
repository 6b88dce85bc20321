package io.veneer.agent;

import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake of our driver seam: the given driver, except that stopping a chosen desktop first hangs,
 * as a guest that ignores ACPI and a stuck QEMU would.
 */
final class HangingStops implements Hypervisor {

  private final Hypervisor driver;
  private final Map<String, Duration> hangs = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();

  HangingStops(Hypervisor driver) {
    this.driver = driver;
  }

  /** Every stop of the desktop hangs this long before it stops. */
  void hangStopsOf(String desktopId, Duration hang) {
    hangs.put(desktopId, hang);
  }

  /** Whether a stop of the desktop is hanging now. */
  boolean stopHanging(String desktopId) {
    return hanging.contains(desktopId);
  }

  @Override
  public void stop(String desktopId, Duration grace) throws HypervisorException {
    Duration hang = hangs.get(desktopId);
    if (hang != null) {
      hanging.add(desktopId);
      try {
        Thread.sleep(hang);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HypervisorException("interrupted while stopping " + desktopId, e);
      } finally {
        hanging.remove(desktopId);
      }
    }
    driver.stop(desktopId, grace);
  }

  @Override
  public String name() {
    return driver.name();
  }

  @Override
  public DriverCapabilities capabilities() {
    return driver.capabilities();
  }

  @Override
  public void createDisks(GuestSpec spec) throws HypervisorException {
    driver.createDisks(spec);
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    driver.resetOsDisk(spec);
  }

  @Override
  public void start(GuestSpec spec) throws HypervisorException {
    driver.start(spec);
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) throws HypervisorException {
    driver.destroy(desktopId, deleteUserData);
  }

  @Override
  public Observation observe(String desktopId) {
    return driver.observe(desktopId);
  }

  @Override
  public Set<String> inventory() {
    return driver.inventory();
  }

  @Override
  public Set<Path> goldenImagesInUse() {
    return driver.goldenImagesInUse();
  }

  @Override
  public void setMemoryTarget(String desktopId, long memoryMib) throws HypervisorException {
    driver.setMemoryTarget(desktopId, memoryMib);
  }
}
