package io.veneer.controlplane.pools;

import io.veneer.scheduler.PlacementPolicy;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a pool's desktops may run: only on hosts carrying every one of {@code requiredLabels} with
 * the same value, and, when {@code requiredZone} is not blank, only in that zone. A desktop no host
 * satisfies is not placed, and its refusal names the rule ("missing label gpu=true").
 *
 * @param strategy {@code spread} (emptiest host first) or {@code pack} (fullest host first) for
 *     this pool's desktops; {@code ""} = the fleet's ({@code veneer.placement.strategy})
 */
public record PoolPlacement(
    Map<String, String> requiredLabels, String requiredZone, String strategy) {

  public static final PoolPlacement ANYWHERE = new PoolPlacement(Map.of(), "", "");

  /** Rules that leave spread or pack to the fleet's setting. */
  public PoolPlacement(Map<String, String> requiredLabels, String requiredZone) {
    this(requiredLabels, requiredZone, "");
  }

  public PoolPlacement {
    requiredLabels = requiredLabels == null ? Map.of() : Map.copyOf(requiredLabels);
    requiredZone = requiredZone == null ? "" : requiredZone.strip();
    strategy = strategy == null ? "" : strategy.strip().toLowerCase(Locale.ROOT);
    if (!strategy.isEmpty() && !strategy.equals("spread") && !strategy.equals("pack")) {
      throw new IllegalArgumentException(
          "placement.strategy: '"
              + strategy
              + "' is neither spread nor pack (or empty: the fleet's)");
    }
    requiredLabels.forEach(
        (key, value) -> {
          if (key.isBlank() || !plain(key) || value == null || !plain(value)) {
            throw new IllegalArgumentException(
                "Required label '"
                    + key
                    + "="
                    + value
                    + "': a label needs a key, and neither key nor value may hold ',' or '='");
          }
        });
  }

  private static boolean plain(String text) {
    return text.indexOf(',') < 0 && text.indexOf('=') < 0;
  }

  /** The labels as the pool row keeps them, {@code k=v,k2=v2} by key, as a host's are kept. */
  String joinedLabels() {
    return new TreeMap<>(requiredLabels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  /** The pool's own spread or pack, if it has one. */
  public Optional<PlacementPolicy.Strategy> ownStrategy() {
    return strategy.isEmpty()
        ? Optional.empty()
        : Optional.of(PlacementPolicy.Strategy.valueOf(strategy.toUpperCase(Locale.ROOT)));
  }

  static PoolPlacement of(String joinedLabels, String zone, String strategy) {
    Map<String, String> labels =
        joinedLabels == null || joinedLabels.isEmpty()
            ? Map.of()
            : Arrays.stream(joinedLabels.split(","))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
    return new PoolPlacement(labels, zone, strategy);
  }
}
