package io.veneer.scheduler;

import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placements per second on realistic snapshots: 1,000 hosts holding 30,000 desktops and 10,000
 * hosts holding 100,000, five golden images cached unevenly, labels on a fifth of the hosts, a few
 * hosts in maintenance. {@code batch} places 100 desktops of one pool per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PlacementBenchmark {

  private static final long GIB = 1024;
  private static final List<String> IMAGES =
      List.of("sha256:win11", "sha256:ubuntu", "sha256:debian", "sha256:rhel", "sha256:kiosk");

  @Param({"1000", "10000"})
  public int hosts;

  /** Feasible hosts scored per placement; 0 = the policy's adaptive default. */
  @Param({"0"})
  public int sampleSize;

  private ClusterSnapshot cluster;
  private Scheduler scheduler;
  private PlacementRequest request;
  private long seed;

  @Setup
  public void buildSnapshot() {
    SplittableRandom random = new SplittableRandom(2026);
    int desktops = hosts == 1000 ? 30_000 : 100_000;
    int perHost = desktops / hosts;
    List<HostSnapshot> snapshots = new ArrayList<>(hosts);
    for (int h = 0; h < hosts; h++) {
      List<PlacedDesktop> placed = new ArrayList<>(perHost);
      for (int d = 0; d < perHost; d++) {
        placed.add(
            new PlacedDesktop(
                "d-" + h + "-" + d,
                "pool-" + random.nextInt(200),
                "user-" + random.nextInt(50_000)));
      }
      int first = random.nextInt(IMAGES.size());
      Set<String> cached =
          Set.of(IMAGES.get(first), IMAGES.get((first + 1 + random.nextInt(4)) % IMAGES.size()));
      snapshots.add(
          HostSnapshot.builder("host-" + h)
              .capacity(64, 512 * GIB, 4000)
              .ratios(OvercommitRatios.of(4, 1.5, 1))
              .allocated(new Resources(perHost * 2L, perHost * 4L * GIB, perHost * 40L))
              .labels(
                  h % 5 == 0
                      ? Map.of("gpu", "true", "rack", "r" + h % 40)
                      : Map.of("rack", "r" + h % 40))
              .zone("zone-" + h % 3)
              .state(
                  h % 97 == 0
                      ? io.veneer.scheduler.cluster.HostState.MAINTENANCE
                      : io.veneer.scheduler.cluster.HostState.UP)
              .cachedImages(cached)
              .desktops(placed)
              .build());
    }
    cluster = new ClusterSnapshot(snapshots);
    scheduler = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(sampleSize));
    request =
        PlacementRequest.of(new Resources(2, 4 * GIB, 40), "sha256:ubuntu", "pool-7")
            .withUser("user-42");
  }

  @Benchmark
  public PlacementResult single() {
    return scheduler.place(cluster, request, seed++);
  }

  /** One call placing 100 desktops; desktops/s = this score x 100. */
  @Benchmark
  public BatchResult batchOf100() {
    return scheduler.placeBatch(cluster, request.withUser(""), 100, seed++);
  }
}
