package io.veneer.agent.hypervisor.libvirt;

import java.util.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;

/**
 * libvirt's default event loop, one per process, run on a thread of its own: it delivers the
 * domains' lifecycle events (and a connection's close) to the listeners a connection registers. It
 * must exist before the first connection that wants events is opened.
 */
final class LibvirtEventLoop {

  private static final Logger log = Logger.getLogger(LibvirtEventLoop.class.getName());
  private static boolean running;

  private LibvirtEventLoop() {}

  static synchronized void ensureRunning() throws LibvirtException {
    if (running) {
      return;
    }
    // Errors reach the driver as exceptions; libvirt's default handler would also print each
    // (a lookup of a stopped guest's domain, say) on stderr.
    Connect.setErrorCallback((userData, error) -> {});
    Library.initEventLoop();
    Thread thread =
        new Thread(
            () -> {
              try {
                Library.runEventLoop();
              } catch (LibvirtException e) {
                log.severe("event=libvirt-event-loop-ended reason=" + e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "libvirt-events");
    thread.setDaemon(true);
    thread.start();
    running = true;
  }
}
