package io.veneer.loadtests.report;

import io.veneer.loadtests.report.Acknowledgements.Acknowledged;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Holds the control plane to what it acknowledged, after the load: every acknowledged request is
 * exactly one desktop of its owner, RUNNING, with exactly one resource claim on the host it is
 * placed on; no desktop is anyone else's too; no host holds more than its capacity x ratio; no
 * claim belongs to a desktop that is gone. Desktops and hosts are read through the REST API, claims
 * from the {@code resource_claim} table.
 */
public final class ConsistencyCheck {

  private static final Set<String> GONE = Set.of("DELETING", "DELETED");
  private static final int EXAMPLES = 5;

  /** Each count is a kind of broken promise; all zero is a pass. */
  public record Result(
      int acknowledged,
      int lost,
      int notRunning,
      int handedToTwo,
      int ownersWithTwo,
      int withoutClaim,
      int claimElsewhere,
      int strayClaims,
      int overcommittedHosts,
      List<String> examples) {

    public boolean passed() {
      return lost
              + notRunning
              + handedToTwo
              + ownersWithTwo
              + withoutClaim
              + claimElsewhere
              + strayClaims
              + overcommittedHosts
          == 0;
    }

    public String summary() {
      return String.format(
          "consistency %s: %d acknowledged; lost %d, not RUNNING %d, one desktop to two people %d,"
              + " owners with two desktops %d, placed without a claim %d, claim on another host %d,"
              + " claims of gone desktops %d, hosts over capacity x ratio %d%s",
          passed() ? "PASSED" : "FAILED",
          acknowledged,
          lost,
          notRunning,
          handedToTwo,
          ownersWithTwo,
          withoutClaim,
          claimElsewhere,
          strayClaims,
          overcommittedHosts,
          examples.isEmpty() ? "" : "; e.g. " + String.join("; ", examples));
    }
  }

  private ConsistencyCheck() {}

  /**
   * @param acknowledged what the load was told
   * @param desktops every desktop, as an admin lists them ({@code GET /api/v1/desktops})
   * @param hosts every host ({@code GET /api/v1/hosts}), with {@code allocatable}
   * @param claims every row of {@code resource_claim}
   */
  public static Result check(
      List<Acknowledged> acknowledged,
      List<JsonNode> desktops,
      List<JsonNode> hosts,
      List<Claim> claims) {
    List<String> examples = new ArrayList<>();
    Map<String, JsonNode> byId = new HashMap<>();
    desktops.forEach(d -> byId.put(d.path("id").asString(), d));
    Map<String, List<Claim>> claimsOf =
        claims.stream().collect(Collectors.groupingBy(Claim::desktopId));

    int lost = 0;
    int notRunning = 0;
    List<Acknowledged> held = acknowledged.stream().filter(a -> !a.released()).toList();
    for (Acknowledged ack : held) {
      JsonNode desktop = byId.get(ack.desktopId());
      if (desktop == null
          || GONE.contains(desktop.path("state").asString())
          || !ack.owner().equals(desktop.path("owner").asString(""))) {
        lost++;
        example(examples, "lost " + ack.desktopId() + " of " + ack.owner() + ": " + desktop);
      } else if (!desktop.path("state").asString().equals("RUNNING")) {
        notRunning++;
        example(examples, ack.desktopId() + " is " + desktop.path("state").asString());
      }
    }

    Map<String, Set<String>> ownersOfDesktop = new HashMap<>();
    held.forEach(
        a -> ownersOfDesktop.computeIfAbsent(a.desktopId(), id -> new HashSet<>()).add(a.owner()));
    int handedToTwo = 0;
    for (var entry : ownersOfDesktop.entrySet()) {
      if (entry.getValue().size() > 1) {
        handedToTwo++;
        example(examples, entry.getKey() + " handed to " + entry.getValue());
      }
    }

    List<JsonNode> live =
        desktops.stream().filter(d -> !GONE.contains(d.path("state").asString())).toList();
    Map<String, Long> liveOfOwner =
        live.stream()
            .filter(d -> !d.path("owner").asString("").isEmpty())
            .collect(
                Collectors.groupingBy(
                    d -> d.path("poolId").asString() + "/" + d.path("owner").asString(),
                    Collectors.counting()));
    int ownersWithTwo = 0;
    for (var entry : liveOfOwner.entrySet()) {
      if (entry.getValue() > 1) {
        ownersWithTwo++;
        example(examples, entry.getKey() + " holds " + entry.getValue() + " desktops");
      }
    }

    int withoutClaim = 0;
    int claimElsewhere = 0;
    Set<String> liveIds = new HashSet<>();
    for (JsonNode desktop : live) {
      String id = desktop.path("id").asString();
      liveIds.add(id);
      String host = desktop.path("hostId").asString("");
      if (host.isEmpty()) {
        continue;
      }
      List<Claim> own = claimsOf.getOrDefault(id, List.of());
      if (own.isEmpty()) {
        withoutClaim++;
        example(examples, id + " placed on " + host + " without a claim");
      } else if (own.size() > 1 || !own.getFirst().hostId().equals(host)) {
        claimElsewhere++;
        example(examples, id + " on " + host + " has claims " + own);
      }
    }
    // A desktop being deleted keeps its claim until its agent has removed it.
    desktops.stream()
        .filter(d -> d.path("state").asString().equals("DELETING"))
        .forEach(d -> liveIds.add(d.path("id").asString()));
    int strayClaims = 0;
    for (Claim claim : claims) {
      if (!liveIds.contains(claim.desktopId())) {
        strayClaims++;
        example(examples, "claim of gone desktop " + claim);
      }
    }

    Map<String, long[]> claimed = new HashMap<>();
    for (Claim claim : claims) {
      long[] sum = claimed.computeIfAbsent(claim.hostId(), h -> new long[3]);
      sum[0] += claim.vcpus();
      sum[1] += claim.memoryMib();
      sum[2] += claim.diskGib();
    }
    int overcommitted = 0;
    for (JsonNode host : hosts) {
      long[] sum = claimed.getOrDefault(host.path("id").asString(), new long[3]);
      JsonNode limit = host.path("allocatable");
      if (sum[0] > limit.path("vcpus").asLong()
          || sum[1] > limit.path("memoryMib").asLong()
          || sum[2] > limit.path("diskGib").asLong()) {
        overcommitted++;
        example(
            examples,
            host.path("id").asString()
                + " holds "
                + sum[0]
                + " vCPU / "
                + sum[1]
                + " MiB / "
                + sum[2]
                + " GiB over "
                + limit);
      }
    }
    return new Result(
        held.size(),
        lost,
        notRunning,
        handedToTwo,
        ownersWithTwo,
        withoutClaim,
        claimElsewhere,
        strayClaims,
        overcommitted,
        List.copyOf(examples));
  }

  private static void example(List<String> examples, String example) {
    if (examples.size() < EXAMPLES) {
      examples.add(example);
    }
  }
}
