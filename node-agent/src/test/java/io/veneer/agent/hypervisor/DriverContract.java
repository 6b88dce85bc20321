package io.veneer.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every driver must do, whatever it runs guests with: one subclass per driver. A case a driver
 * cannot take part in is skipped only by what its {@link DriverCapabilities} declare.
 */
public abstract class DriverContract {

  /** The grace a contract stop gives a guest before forcing it off. */
  private static final Duration GRACE = Duration.ofSeconds(10);

  @TempDir protected Path host;
  protected Hypervisor driver;

  /** A new instance of the driver over the host's data, as a restarted agent opens it. */
  protected abstract Hypervisor open(Path host) throws Exception;

  /** A desktop booting the golden image, with a user-data disk of 1 GiB when asked. */
  protected abstract GuestSpec desktop(String desktopId, boolean userData) throws Exception;

  /** A desktop whose guest crashes while it boots. */
  protected abstract GuestSpec crashing(String desktopId) throws Exception;

  /** A line the crashing guest's log holds, which its failure must name. */
  protected abstract String crashLogLine();

  /** Whether the OS disk holds writes of its own (not read through from the golden image). */
  protected abstract boolean osDiskHoldsWrites(String desktopId) throws Exception;

  /** Fills the start of the stopped desktop's user-data disk with the byte. */
  protected abstract void writeUserData(String desktopId, byte pattern) throws Exception;

  /** Whether the start of the desktop's user-data disk is filled with the byte. */
  protected abstract boolean userDataHolds(String desktopId, byte pattern) throws Exception;

  /** Each guest of the desktop that runs now, by an identity naming one boot (a pid, say). */
  protected abstract Set<String> runningGuests(String desktopId) throws Exception;

  /** How long a guest may take to boot or stop. */
  protected abstract Duration patience();

  /** Lets time pass for guests while a case waits (real drivers: nothing, time passes itself). */
  protected void letTimePass() {}

  @BeforeEach
  void openDriver() throws Exception {
    driver = open(host);
  }

  @AfterEach
  void destroyEverything() throws Exception {
    for (String desktopId : driver.inventory()) {
      driver.destroy(desktopId, true);
    }
  }

  @Test
  void createsFromTheGoldenImageStartsReportsRunningOnlyOnceReadyAndStops() throws Exception {
    GuestSpec spec = desktop("desk-a", false);

    driver.createDisks(spec);
    assertThat(driver.observe("desk-a").state()).isEqualTo(GuestState.STOPPED);
    assertThat(driver.inventory()).containsExactly("desk-a");
    assertThat(driver.goldenImagesInUse()).containsExactly(spec.image().path());
    assertThat(osDiskHoldsWrites("desk-a")).as("a fresh overlay of the golden image").isFalse();

    driver.start(spec);
    assertThat(driver.observe("desk-a").state())
        .as("booting, not yet ready")
        .isEqualTo(GuestState.STARTING);
    await("desk-a", GuestState.RUNNING);
    assertThat(runningGuests("desk-a")).hasSize(1);

    driver.stop("desk-a", GRACE);
    await("desk-a", GuestState.STOPPED);
    assertThat(runningGuests("desk-a")).isEmpty();
    assertThat(osDiskHoldsWrites("desk-a")).as("what the guest wrote while it ran").isTrue();
  }

  @Test
  void aRefreshDiscardsTheOsDisksWritesAndTheUserDataDiskSurvivesIt() throws Exception {
    assumeTrue(
        driver.capabilities().persistentUserDisk(), "the driver declares no persistent user disk");
    GuestSpec spec = desktop("desk-r", true);
    driver.createDisks(spec);
    driver.start(spec);
    await("desk-r", GuestState.RUNNING);
    driver.stop("desk-r", GRACE);
    await("desk-r", GuestState.STOPPED);
    writeUserData("desk-r", (byte) 0x5a);
    assertThat(osDiskHoldsWrites("desk-r")).isTrue();

    driver.resetOsDisk(spec);

    assertThat(osDiskHoldsWrites("desk-r")).as("back to the golden image").isFalse();
    assertThat(userDataHolds("desk-r", (byte) 0x5a)).as("the user's data survives").isTrue();
    assertThat(driver.observe("desk-r").state()).isEqualTo(GuestState.STOPPED);
  }

  @Test
  void aCrashingGuestIsReportedWithTheReasonFromItsLog() throws Exception {
    GuestSpec spec = crashing("desk-c");
    driver.createDisks(spec);

    driver.start(spec);

    Observation failed = await("desk-c", GuestState.FAILED);
    assertThat(failed.reason()).contains(crashLogLine());
    assertThat(runningGuests("desk-c")).isEmpty();
  }

  @Test
  void aNewDriverInstanceReadoptsRunningGuestsWithoutStartingSecondOnes() throws Exception {
    assumeTrue(driver.capabilities().readoption(), "the driver declares no re-adoption");
    GuestSpec spec = desktop("desk-k", false);
    driver.createDisks(spec);
    driver.start(spec);
    await("desk-k", GuestState.RUNNING);
    Set<String> guests = runningGuests("desk-k");

    driver = open(host);

    assertThat(driver.inventory()).containsExactly("desk-k");
    assertThat(driver.goldenImagesInUse()).containsExactly(spec.image().path());
    await("desk-k", GuestState.RUNNING);
    driver.createDisks(spec);
    driver.start(spec);
    assertThat(driver.observe("desk-k").state()).isEqualTo(GuestState.RUNNING);
    assertThat(runningGuests("desk-k")).as("the same guest, no second one").isEqualTo(guests);
  }

  @Test
  void anOrphanFoundInTheInventoryIsDestroyedWithNothingLeftBehind() throws Exception {
    GuestSpec spec = desktop("desk-o", driver.capabilities().persistentUserDisk());
    driver.createDisks(spec);
    driver.start(spec);
    await("desk-o", GuestState.RUNNING);
    // A driver that re-adopts finds the orphan after a restart; one that cannot, while it runs.
    if (driver.capabilities().readoption()) {
      driver = open(host);
    }
    assertThat(driver.inventory()).containsExactly("desk-o");

    driver.destroy("desk-o", true);

    assertThat(driver.inventory()).isEmpty();
    assertThat(driver.goldenImagesInUse()).isEmpty();
    assertThat(driver.observe("desk-o").state()).isEqualTo(GuestState.ABSENT);
    assertThat(runningGuests("desk-o")).isEmpty();
  }

  @Test
  void theSameDesktopAppliedTwiceChangesNothing() throws Exception {
    GuestSpec spec = desktop("desk-i", false);
    driver.createDisks(spec);
    driver.start(spec);
    await("desk-i", GuestState.RUNNING);
    Set<String> guests = runningGuests("desk-i");

    driver.createDisks(spec);
    driver.start(spec);

    assertThat(driver.observe("desk-i").state()).isEqualTo(GuestState.RUNNING);
    assertThat(runningGuests("desk-i")).as("the same guest, not restarted").isEqualTo(guests);
    assertThat(osDiskHoldsWrites("desk-i")).as("its OS disk kept, not recreated").isTrue();
    assertThat(driver.inventory()).containsExactly("desk-i");
  }

  /** The desktop's observation once it is in the state, failing after {@link #patience()}. */
  protected Observation await(String desktopId, GuestState state) throws InterruptedException {
    long deadline = System.nanoTime() + patience().toNanos();
    Observation last = driver.observe(desktopId);
    while (last.state() != state && System.nanoTime() < deadline) {
      Thread.sleep(100);
      letTimePass();
      last = driver.observe(desktopId);
    }
    assertThat(last.state()).as("%s after %s: %s", desktopId, patience(), last).isEqualTo(state);
    return last;
  }
}
