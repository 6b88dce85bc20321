package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.balloon.BalloonSettings;
import io.veneer.agent.balloon.Ballooning;
import io.veneer.agent.balloon.GuestsMemory;
import io.veneer.agent.balloon.HostMemory;
import io.veneer.agent.converge.Converger;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The balloon policy on a real guest (TCG): host pressure, fed through the {@link HostMemory} seam,
 * squeezes an idle 256 MiB guest to its floor, and its end gives the memory back, as QEMU itself
 * answers {@code query-balloon}.
 */
@NeedsHost(HostTool.QEMU)
class BalloonGuestTest {

  private static final HostMemory.Reading CALM = new HostMemory.Reading(0, 20_000);
  private static final HostMemory.Reading PRESSED = new HostMemory.Reading(40, 20_000);

  @TempDir Path data;
  private Converger converger;
  private volatile HostMemory.Reading host = CALM;

  @AfterEach
  void removeGuests() {
    converger.applyDesiredSet(List.of());
    converger.convergeOnce();
  }

  @Test
  void squeezesAnIdleGuestToItsFloorUnderPressureAndGivesItAllBackAfter() throws Exception {
    QemuHypervisor qemu =
        new QemuHypervisor(
            data, "qemu-system-x86_64", "qemu-img", "VENEER GUEST READY", GuestEgress.NONE);
    ImageCache cache = new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly(""));
    List<DesktopStatus> reports = new CopyOnWriteArrayList<>();
    converger =
        new Converger(
            qemu,
            new ImageDownloads(cache, Clock.systemUTC(), Duration.ofSeconds(30), cached -> {}),
            reports::add,
            data,
            Duration.ofSeconds(1),
            Clock.systemUTC());
    converger.applyDesiredSet(
        List.of(
            new Desktops(cache, TinyGolden.get())
                .running("desk-idle")
                .setSize(Capacity.newBuilder().setVcpus(1).setMemoryMib(256).setDiskGib(1))
                .build()));
    converger.convergeOnce();
    ConvergedReports.await(
        converger,
        reports,
        "desk-idle",
        ObservedState.OBSERVED_STATE_RUNNING,
        Duration.ofSeconds(90));
    Ballooning ballooning =
        new Ballooning(
            qemu, () -> host, new BalloonSettings(true, 50, 10, 1024, Duration.ofSeconds(2)));

    ballooning.pass();
    assertThat(balloonMib("desk-idle")).as("no pressure, no balloon").isEqualTo(256);

    host = PRESSED;
    awaitBalloon(ballooning, "desk-idle", mib -> mib == 128);
    GuestsMemory guests = ballooning.guestsMemory().orElseThrow();
    assertThat(guests.inUseMib())
        .as("the guest's own figure of what it uses, well under its floor when idle")
        .isPositive()
        .isLessThan(128 - 32);
    assertThat(guests.givenMib()).as("what the guest was given: its size").isEqualTo(256);

    host = CALM;
    awaitBalloon(ballooning, "desk-idle", mib -> mib == 256);
  }

  /** Passes of the policy until QEMU's balloon satisfies {@code wanted}. */
  private void awaitBalloon(Ballooning ballooning, String desk, LongPredicate wanted)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long mib = -1;
    while (System.nanoTime() < deadline) {
      ballooning.pass();
      mib = balloonMib(desk);
      if (wanted.test(mib)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(desk + "'s balloon stayed at " + mib + " MiB");
  }

  /** QMP {@code query-balloon} on the guest's own socket: what QEMU says the guest has. */
  private long balloonMib(String desk) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(data.resolve("desktops/" + desk + "/qmp.sock")));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
      PrintWriter out =
          new PrintWriter(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
      in.readLine();
      out.println("{\"execute\":\"qmp_capabilities\"}");
      in.readLine();
      out.println("{\"execute\":\"query-balloon\"}");
      Pattern actual = Pattern.compile("\"actual\":\\s*(\\d+)");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher matcher = actual.matcher(line);
        if (matcher.find()) {
          return Long.parseLong(matcher.group(1)) >> 20;
        }
      }
      throw new IOException("QMP closed before answering query-balloon");
    }
  }
}
