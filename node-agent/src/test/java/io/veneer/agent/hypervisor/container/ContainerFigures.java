package io.veneer.agent.hypervisor.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.TinyRootfs;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures of docs/benchmarks.md for container desktops, printed: not a test of the build (its
 * name matches none of surefire's patterns), run by hand with {@code ./mvnw -o -q -pl node-agent
 * -am test -Dtest=ContainerFigures -Dsurefire.failIfNoSpecifiedTests=false
 * -Dveneer.figures.desktops=20}.
 */
@NeedsHost(HostTool.CONTAINER)
class ContainerFigures {

  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final Pattern PSS = Pattern.compile("Pss:\\s+(\\d+) kB");

  @TempDir Path host;

  @Test
  void printsTheFigures() throws Exception {
    int desktops = Integer.getInteger("veneer.figures.desktops", 20);
    TinyRootfs tiny = TinyRootfs.get();
    ContainerHypervisor driver = new ContainerHypervisor(host);
    print("load average at start: " + loadAverage());
    List<Double> readyMs = new ArrayList<>();
    long freshDiskBytes = 0;
    try {
      for (int i = 0; i < desktops; i++) {
        GuestSpec spec = ContainerRootfs.spec("fig-" + i, tiny.tar(), tiny.digest(), false);
        long began = System.nanoTime();
        driver.createDisks(spec);
        if (i == 0) {
          print(
              "first desktop: root filesystem unpacked and desktop created in %.0f ms"
                  .formatted((System.nanoTime() - began) / 1e6));
          began = System.nanoTime();
          driver.createDisks(spec);
        }
        freshDiskBytes += diskBytes(driver.dir(spec.desktopId()));
        driver.start(spec);
        while (driver.observe(spec.desktopId()).state() != GuestState.RUNNING) {
          assertThat(System.nanoTime() - began).isLessThan(Duration.ofSeconds(60).toNanos());
          Thread.sleep(5);
        }
        readyMs.add((System.nanoTime() - began) / 1e6);
      }
      Thread.sleep(5_000);
      long rssKb = 0;
      long pssKb = 0;
      long cgroupBytes = 0;
      long runningDiskBytes = 0;
      Cgroups cgroups = Cgroups.ofThisProcess();
      for (int i = 0; i < desktops; i++) {
        String id = "fig-" + i;
        for (ProcessHandle process : cgroups.processes(id)) {
          rssKb += sum(VM_RSS, Path.of("/proc", String.valueOf(process.pid()), "status"));
          pssKb += sum(PSS, Path.of("/proc", String.valueOf(process.pid()), "smaps_rollup"));
        }
        cgroupBytes +=
            Long.parseLong(
                Files.readString(
                        cgroups.memory().resolve("veneer-" + id).resolve("memory.usage_in_bytes"))
                    .strip());
        runningDiskBytes += diskBytes(driver.dir(id));
      }
      Collections.sort(readyMs);
      print(
          "request to ready (createDisks + start until RFB answers), %d desktops: p50 %.0f ms, max %.0f ms"
              .formatted(desktops, readyMs.get(readyMs.size() / 2), readyMs.getLast()));
      print(
          "idle desktop (after 5 s): RSS %.1f MiB, PSS %.1f MiB, memory cgroup %.1f MiB (page cache included)"
              .formatted(
                  rssKb / 1024.0 / desktops,
                  pssKb / 1024.0 / desktops,
                  cgroupBytes / 1048576.0 / desktops));
      print(
          "disk per desktop: %.1f KiB fresh, %.1f KiB running"
              .formatted(freshDiskBytes / 1024.0 / desktops, runningDiskBytes / 1024.0 / desktops));
      try (Stream<Path> lowers = Files.list(host.resolve("rootfs"))) {
        List<Path> all = lowers.toList();
        print(
            "%d desktops, %d lower director%s (%s, %.1f MiB)"
                .formatted(
                    desktops,
                    all.size(),
                    all.size() == 1 ? "y" : "ies",
                    all.getFirst().getFileName(),
                    diskBytes(all.getFirst()) / 1048576.0));
        assertThat(all).hasSize(1);
      }
      print("load average at end: " + loadAverage());
    } finally {
      for (String desktopId : driver.inventory()) {
        driver.destroy(desktopId, true);
      }
    }
  }

  private static long sum(Pattern pattern, Path file) {
    try {
      Matcher matcher = pattern.matcher(Files.readString(file));
      return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Bytes allocated on disk under the directory ({@code du}), mount points not crossed. */
  private static long diskBytes(Path dir) throws IOException, InterruptedException {
    Process du =
        new ProcessBuilder("du", "-s", "-x", "--block-size=1", dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    du.waitFor();
    return Long.parseLong(output.split("\\s+")[0]);
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }

  private static void print(String line) {
    System.out.println("container-figures: " + line);
    System.out.flush();
  }
}
