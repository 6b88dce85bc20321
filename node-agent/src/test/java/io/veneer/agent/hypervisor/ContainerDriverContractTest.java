package io.veneer.agent.hypervisor;

import io.veneer.agent.TinyRootfs;
import io.veneer.agent.hypervisor.container.ContainerHypervisor;
import io.veneer.agent.hypervisor.container.ContainerRootfs;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Real container desktops of the tiny graphical root filesystem keep the driver contract: each a
 * bubblewrap sandbox over an overlay, with Xvfb, twm, xterm and x11vnc inside.
 */
@NeedsHost(HostTool.CONTAINER)
class ContainerDriverContractTest extends DriverContract {

  @Override
  protected Hypervisor open(Path host) {
    return new ContainerHypervisor(host);
  }

  @Override
  protected GuestSpec desktop(String desktopId, boolean userData) throws Exception {
    TinyRootfs tiny = TinyRootfs.get();
    return ContainerRootfs.spec(desktopId, tiny.tar(), tiny.digest(), userData);
  }

  /** A root filesystem whose X server exits at once: the session ends, and says why. */
  @Override
  protected GuestSpec crashing(String desktopId) throws Exception {
    Path tar = ContainerRootfs.withoutAnXServer(host.resolve("broken"));
    return ContainerRootfs.spec(desktopId, tar, TinyRootfs.sha256(tar), false);
  }

  @Override
  protected String crashLogLine() {
    return "veneer-session: the X server (Xvfb) exited before its display was up";
  }

  @Override
  protected boolean osDiskHoldsWrites(String desktopId) throws Exception {
    return ContainerRootfs.upperHoldsWrites(host, desktopId);
  }

  @Override
  protected void writeUserData(String desktopId, byte pattern) throws Exception {
    ContainerRootfs.writeUserData(host, desktopId, pattern);
  }

  @Override
  protected boolean userDataHolds(String desktopId, byte pattern) throws Exception {
    return ContainerRootfs.userDataHolds(host, desktopId, pattern);
  }

  @Override
  protected Set<String> runningGuests(String desktopId) throws Exception {
    return ContainerRootfs.runningGuests(host, desktopId);
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(30);
  }
}
