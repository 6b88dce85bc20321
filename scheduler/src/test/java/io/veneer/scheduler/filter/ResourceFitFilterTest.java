package io.veneer.scheduler.filter;

import static io.veneer.scheduler.Hosts.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.scheduler.Hosts;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.ObservedMemory;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceFitFilterTest {

  private final ResourceFitFilter filter = new ResourceFitFilter();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                             | cpu ratio | mem ratio | alloc vcpu | alloc MiB | alloc disk | ask vcpu | ask MiB | ask disk | expected
          empty host takes a desktop                         | 1.0 | 1.0 |  0 |     0 |    0 | 2 |  2048 |  20 | fits
          memory exactly at capacity fits                    | 1.0 | 1.0 |  0 | 64512 |    0 | 2 |  1024 |  20 | fits
          one MiB over capacity is refused                   | 1.0 | 1.0 |  0 | 64513 |    0 | 2 |  1024 |  20 | insufficient memory
          64 GiB at ratio 1.5 holds 96 GiB                   | 1.0 | 1.5 |  0 | 96256 |    0 | 2 |  2048 |  20 | fits
          64 GiB at ratio 1.5 refuses 96 GiB plus one MiB    | 1.0 | 1.5 |  0 | 96257 |    0 | 2 |  2048 |  20 | insufficient memory
          16 vCPU at ratio 4 holds 64 vCPU                   | 4.0 | 1.0 | 62 |     0 |    0 | 2 |  1024 |  20 | fits
          16 vCPU at ratio 4 refuses 65                      | 4.0 | 1.0 | 63 |     0 |    0 | 2 |  1024 |  20 | insufficient cpu
          disk exactly full fits                             | 1.0 | 1.0 |  0 |     0 |  980 | 2 |  1024 |  20 | fits
          disk one GiB over is refused                       | 1.0 | 1.0 |  0 |     0 |  981 | 2 |  1024 |  20 | insufficient disk
          memory shortage is named before cpu shortage       | 1.0 | 1.0 | 16 | 65536 |    0 | 1 |     1 |   1 | insufficient memory
          cpu shortage is named before disk shortage         | 1.0 | 1.0 | 16 |     0 | 1000 | 1 |     1 |   1 | insufficient cpu
          a desktop larger than the raw host fits overcommit | 1.0 | 1.5 |  0 |     0 |    0 | 2 | 80000 |  20 | fits
          already over the limit refuses even a tiny desktop | 1.0 | 1.0 |  0 | 70000 |    0 | 1 |     1 |   1 | insufficient memory
          """)
  void checksEachResourceAgainstCapacityTimesRatio(
      String description,
      double cpuRatio,
      double memoryRatio,
      long allocatedVcpus,
      long allocatedMib,
      long allocatedDisk,
      long askVcpus,
      long askMib,
      long askDisk,
      String expected) {
    var host =
        Hosts.host("h1")
            .ratios(OvercommitRatios.of(cpuRatio, memoryRatio, 1.0))
            .allocated(new Resources(allocatedVcpus, allocatedMib, allocatedDisk))
            .build();
    var request = PlacementRequest.of(new Resources(askVcpus, askMib, askDisk), "sha256:a", "p");

    Optional<Rejection> verdict = filter.check(Hosts.view(host), request);

    assertThat(verdict.map(Rejection::phrase).orElse("fits")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # 64 GiB (65536 MiB) at memory ratio 1.5: at most 98304 MiB allocated
          # case                                                     | alloc MiB | given MiB | in use MiB | ask MiB | expected
          no recent report: allocations alone, up to the ratio       |     90000 |           |            |    2048 | fits
          no recent report: never past capacity x ratio              |     97000 |           |            |    2048 | insufficient memory
          report: within physical capacity needs no spare memory     |     60000 |     60000 |      60000 |    2048 | fits
          report: busy guests leave too little to go beyond it       |     65000 |     60000 |      59000 |    2048 | insufficient memory
          report: idle guests leave enough to go beyond it           |     65000 |     60000 |      20000 |    2048 | fits
          report: exactly what the guests leave fits                 |     65000 |     60000 |      58488 |    2048 | fits
          report: one MiB more than the guests leave is refused      |     65000 |     60000 |      58489 |    2048 | insufficient memory
          report: idle guests never take the host past the ratio     |     97000 |     90000 |       1000 |    2048 | insufficient memory
          report: guests using more than given leave nothing         |     65000 |     60000 |      61000 |    2048 | insufficient memory
          """)
  void memoryBeyondPhysicalCapacityIsMemoryTheGuestsReallyLeaveUnused(
      String description,
      long allocatedMib,
      Long givenMib,
      Long inUseMib,
      long askMib,
      String expected) {
    var host =
        Hosts.host("h1")
            .ratios(OvercommitRatios.of(1.0, 1.5, 1.0))
            .allocated(new Resources(0, allocatedMib, 0))
            .observedMemory(givenMib == null ? null : new ObservedMemory(givenMib, inUseMib))
            .build();
    var request = PlacementRequest.of(new Resources(1, askMib, 1), "sha256:a", "p");

    assertThat(filter.check(Hosts.view(host), request).map(Rejection::phrase).orElse("fits"))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vCPU x {1} = {2} fits {3} vCPU: {4}")
  @CsvSource({
    "3, 1.5, 4.5, 4, fits",
    "3, 1.5, 4.5, 5, insufficient cpu",
    "7, 1.001, 7.007, 7, fits",
    "7, 1.001, 7.007, 8, insufficient cpu",
    "1, 64.0, 64, 64, fits",
    "1, 64.0, 64, 65, insufficient cpu"
  })
  void fractionalLimitsRoundDownSoNoHostTakesMoreThanCapacityTimesRatio(
      long vcpus, double ratio, String product, long ask, String expected) {
    var host =
        Hosts.host("h1")
            .capacity(vcpus, 64 * GIB, 1000)
            .ratios(OvercommitRatios.of(ratio, 1.0, 1.0))
            .build();
    var request = PlacementRequest.of(new Resources(ask, 1024, 1), "sha256:a", "p");

    assertThat(filter.check(Hosts.view(host), request).map(Rejection::phrase).orElse("fits"))
        .as("capacity x ratio = %s", product)
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"64, 1.5, 98304", "64, 1.0, 65536", "1, 1.25, 1280"})
  void limitIsCapacityTimesRatioInWholeMebibytes(long gib, double ratio, long expectedLimitMib) {
    var host =
        Hosts.host("h1")
            .capacity(16, gib * GIB, 100)
            .ratios(OvercommitRatios.of(1.0, ratio, 1.0))
            .build();

    assertThat(host.limit().memoryMib()).isEqualTo(expectedLimitMib);
  }
}
