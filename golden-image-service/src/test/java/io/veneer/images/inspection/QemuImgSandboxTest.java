package io.veneer.images.inspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.ImagesProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * What a qemu-img run may reach, seen from inside it: a script stands in for qemu-img and prints
 * its environment, its limits and its network devices.
 */
class QemuImgSandboxTest {

  @TempDir Path dir;

  @Test
  void qemuImgRunsWithoutTheServicesEnvironmentNetworkOrUnboundedResources() throws Exception {
    Path qemuImg =
        script("echo ENV; env; echo LIMITS; cat /proc/self/limits; echo NET; cat /proc/net/dev");

    QemuImg.Result run = new QemuImg(properties(qemuImg, 2)).info(image(), DiskFormat.RAW);

    assertThat(run.succeeded()).as(run.stderr()).isTrue();
    String out = run.stdout();
    Map<String, String> environment =
        section(out, "ENV", "LIMITS")
            .filter(line -> line.contains("="))
            .collect(Collectors.toMap(l -> l.split("=", 2)[0], l -> l.split("=", 2)[1]));
    assertThat(environment.keySet())
        .as("nothing of the service's environment (tokens, database password) but PATH")
        .isSubsetOf("PATH", "LC_ALL", "PWD", "SHLVL", "_");
    assertThat(
            section(out, "NET", null)
                .filter(l -> l.contains(":"))
                .map(l -> l.split(":")[0].strip()))
        .as("network devices: a namespace of its own, with only its (down) loopback")
        .containsExactly("lo");
    assertThat(section(out, "LIMITS", "NET").toList())
        .anySatisfy(l -> assertThat(l).matches("Max cpu time\\s+30\\s+30\\s+seconds.*"))
        .anySatisfy(l -> assertThat(l).matches("Max address space\\s+2147483648\\s+2147483648.*"))
        .anySatisfy(l -> assertThat(l).matches("Max file size\\s+1048576\\s+1048576.*"))
        .anySatisfy(l -> assertThat(l).matches("Max processes\\s+512\\s+512.*"))
        .anySatisfy(l -> assertThat(l).matches("Max open files\\s+64\\s+64.*"));
  }

  @Test
  void noMoreQemuImgRunsGoAtOnceThanThereAreSlots() throws Exception {
    Path running = Files.createDirectories(dir.resolve("running"));
    Path counts = dir.resolve("counts");
    Path qemuImg =
        script(
            "touch %1$s/$$; ls %1$s | wc -l >> %2$s; sleep 1; rm %1$s/$$"
                .formatted(running, counts));
    QemuImg sandboxed = new QemuImg(properties(qemuImg, 2));
    Path image = image();

    List<Callable<QemuImg.Result>> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(() -> sandboxed.info(image, DiskFormat.RAW));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      for (Future<QemuImg.Result> run : pool.invokeAll(runs)) {
        assertThat(run.get().succeeded()).isTrue();
      }
    }

    assertThat(Files.readAllLines(counts).stream().map(String::strip).map(Integer::parseInt))
        .hasSize(6)
        .allSatisfy(atOnce -> assertThat(atOnce).isBetween(1, 2));
  }

  private static java.util.stream.Stream<String> section(String out, String from, String to) {
    List<String> lines = out.lines().toList();
    int start = lines.indexOf(from) + 1;
    int end = to == null ? lines.size() : lines.indexOf(to);
    return lines.subList(start, end).stream();
  }

  private Path script(String body) throws Exception {
    Path script = dir.resolve("qemu-img-" + System.nanoTime());
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private Path image() throws Exception {
    return Files.write(dir.resolve("disk.raw"), new byte[512]);
  }

  private static ImagesProperties properties(Path qemuImg, int slots) {
    return new ImagesProperties(
        Path.of("unused"),
        DataSize.ofGigabytes(1),
        qemuImg.toString(),
        30,
        DataSize.ofGigabytes(2),
        Duration.ofSeconds(60),
        Duration.ofHours(2),
        "agent",
        -1,
        List.of(),
        "api",
        false,
        "",
        "",
        "127.0.0.1",
        slots,
        512,
        64,
        DataSize.ofGigabytes(300),
        Duration.ofSeconds(30),
        "veneer-api");
  }
}
