package io.veneer.portal.testing;

import io.veneer.api.console.ConsoleGrant;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The control plane's REST API as far as the portal uses it, with its authorization rules: a user
 * sees their own desktops (others' are 404) and entitled pools; admins see all; hosts are admins'.
 * Illegal moves are 409 problem+json with words, as the real one answers. Console tickets follow
 * the real rules: issued to the owner (or an admin) of a RUNNING desktop with a display, redeemed
 * once, only with the console-proxy role (anyone else is 403 and the ticket stays unused), for the
 * same person, before they expire; any other redemption is 403 and burns the ticket.
 */
public final class FakeControlPlane extends FakeHttpServer {

  private record Ticket(String user, UUID desktopId, Instant expiresAt) {}

  private final Map<UUID, Map<String, Object>> desktops = new ConcurrentHashMap<>();
  private final Map<UUID, Map<String, Object>> pools = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> hosts = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> quotas = new ConcurrentSkipListMap<>();
  private final Map<UUID, Map<String, Object>> displays = new ConcurrentHashMap<>();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile Duration ticketTtl = Duration.ofSeconds(60);
  private volatile PrivateKey grantKey;
  private final List<Map<String, Object>> directoryUsers = new CopyOnWriteArrayList<>();
  private final List<String> directoryGroups = new CopyOnWriteArrayList<>();
  private volatile boolean directoryDown;

  public FakeControlPlane() {
    route(
        "GET",
        "/api/v1/directory/users",
        (x, m, c) -> {
          requireAdmin(c);
          requireDirectory();
          Map<String, String> query = form(x.getRequestURI().getRawQuery());
          String search = query.getOrDefault("search", "").toLowerCase(java.util.Locale.ROOT);
          // As Keycloak searches: part of the user name, name or email.
          return directoryUsers.stream()
              .filter(
                  u ->
                      search.isEmpty()
                          || u.values().stream()
                              .anyMatch(
                                  v ->
                                      v.toString()
                                          .toLowerCase(java.util.Locale.ROOT)
                                          .contains(search)))
              .limit(Integer.parseInt(query.getOrDefault("max", "50")))
              .toList();
        });
    route(
        "GET",
        "/api/v1/directory/groups",
        (x, m, c) -> {
          requireAdmin(c);
          requireDirectory();
          return List.copyOf(directoryGroups);
        });
    route(
        "GET",
        "/api/v1/pools",
        (x, m, c) -> page(visiblePools(requireCaller(c)).stream().map(this::withRollout).toList()));
    route(
        "GET",
        "/api/v1/pools/([0-9a-f-]{36})",
        (x, m, c) -> {
          requireCaller(c);
          return withRollout(found(pools.get(UUID.fromString(m.group(1))), "pool"));
        });
    route(
        "POST",
        "/api/v1/pools",
        (x, m, c) -> {
          requireAdmin(c);
          Map<String, Object> spec = new LinkedHashMap<>(cast(jsonBody(x)));
          return new Reply(201, addPoolWithSpec(spec));
        });
    route(
        "PUT",
        "/api/v1/pools/([0-9a-f-]{36})",
        (x, m, c) -> {
          requireAdmin(c);
          Map<String, Object> pool = found(pools.get(UUID.fromString(m.group(1))), "pool");
          pool.put("spec", cast(jsonBody(x)));
          return pool;
        });
    route("GET", "/api/v1/desktops", (x, m, c) -> page(visibleDesktops(requireCaller(c))));
    route(
        "GET",
        "/api/v1/desktops/([0-9a-f-]{36})",
        (x, m, c) -> visibleDesktop(requireCaller(c), UUID.fromString(m.group(1))));
    route(
        "POST",
        "/api/v1/desktops",
        (x, m, c) -> {
          Caller caller = requireCaller(c);
          UUID poolId = UUID.fromString((String) jsonBody(x).get("poolId"));
          Map<String, Object> pool = found(pools.get(poolId), "pool");
          if (Boolean.TRUE.equals(pool.get("exhausted"))) {
            throw new Problem(
                409,
                "Pool "
                    + name(pool)
                    + " has no free desktop and is at its maximum size; try again later or ask an"
                    + " admin to raise it");
          }
          return new Reply(201, desktop(addDesktop(caller.subject(), poolId, "REQUESTED", null)));
        });
    route(
        "POST",
        "/api/v1/desktops/([0-9a-f-]{36})/(start|stop|restart|logoff|golden-update)",
        (x, m, c) -> {
          Map<String, Object> desktop =
              visibleDesktop(requireCaller(c), UUID.fromString(m.group(1)));
          String state = (String) desktop.get("state");
          if ("golden-update".equals(m.group(2)) && "STOPPED".equals(state)) {
            UUID pool = (UUID) desktop.get("poolId");
            desktop.put("goldenVersion", spec(pools.get(pool)).get("goldenVersion"));
            return desktop;
          }
          String next =
              switch (m.group(2)) {
                case "start" -> "STOPPED".equals(state) ? "STARTING" : null;
                case "stop", "restart" -> "RUNNING".equals(state) ? "STOPPING" : null;
                case "golden-update" -> null;
                default -> "RUNNING".equals(state) || "STOPPED".equals(state) ? "REFRESHING" : null;
              };
          if (next == null) {
            throw new Problem(
                409, "Desktop " + desktop.get("id") + " is " + state + " and cannot " + m.group(2));
          }
          desktop.put("state", next);
          return desktop;
        });
    route(
        "POST",
        "/api/v1/desktops/([0-9a-f-]{36})/console-tickets",
        (x, m, c) -> {
          Caller caller = requireCaller(c);
          Map<String, Object> desktop = visibleDesktop(caller, UUID.fromString(m.group(1)));
          UUID id = (UUID) desktop.get("id");
          if (!"RUNNING".equals(desktop.get("state"))) {
            throw new Problem(
                409,
                "Desktop " + id + " is " + desktop.get("state") + "; start it to open its console");
          }
          if (!displays.containsKey(id)) {
            throw new Problem(
                409,
                "Desktop "
                    + id
                    + " has no display to show (its agent reported none); its pool's golden image"
                    + " needs a display for the browser console");
          }
          byte[] secret = new byte[32];
          random.nextBytes(secret);
          String value = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
          Instant expires = Instant.now().plus(ticketTtl);
          tickets.put(value, new Ticket(caller.subject(), id, expires));
          return new Reply(
              201, Map.of("ticket", value, "desktopId", id, "expiresAt", expires.toString()));
        });
    route(
        "POST",
        "/api/v1/desktops/([0-9a-f-]{36})/console-input",
        (x, m, c) -> {
          if (!requireCaller(c).roles().contains("console-proxy")) {
            throw new Problem(403, "Only the console proxy may report console input");
          }
          return Map.of();
        });
    route(
        "POST",
        "/api/v1/console-tickets/redeem",
        (x, m, c) -> {
          if (!requireCaller(c).roles().contains("console-proxy")) {
            throw new Problem(403, "Only the console proxy may redeem console tickets");
          }
          Map<?, ?> body = jsonBody(x);
          Object value = body.get("ticket");
          Ticket ticket = value == null ? null : tickets.remove(value.toString());
          Map<String, Object> desktop = ticket == null ? null : desktops.get(ticket.desktopId());
          if (ticket == null
              || !ticket.expiresAt().isAfter(Instant.now())
              || !ticket.user().equals(body.get("subject"))
              || desktop == null
              || !"RUNNING".equals(desktop.get("state"))) {
            throw new Problem(
                403, "This console ticket is unknown, expired, already used or not yours");
          }
          Map<String, Object> access = new LinkedHashMap<>();
          access.put("desktopId", ticket.desktopId());
          access.put("hostId", desktop.get("hostId"));
          access.putAll(displays.get(ticket.desktopId()));
          access.put(
              "grant",
              ConsoleGrant.of(
                      ticket.desktopId(),
                      desktop.get("hostId").toString(),
                      ticket.user(),
                      Instant.now().plusSeconds(30))
                  .signedWith(grantKey));
          access.put("protocol", "vnc");
          return access;
        });
    route(
        "GET",
        "/api/v1/hosts",
        (x, m, c) -> {
          requireAdmin(c);
          return new ArrayList<>(hosts.values());
        });
    route(
        "POST",
        "/api/v1/hosts/([^/]+)/(maintenance|drain|resume)",
        (x, m, c) -> {
          requireAdmin(c);
          Map<String, Object> host = found(hosts.get(m.group(1)), "host");
          host.put(
              "state",
              switch (m.group(2)) {
                case "maintenance" -> "MAINTENANCE";
                case "drain" -> "DRAINING";
                default -> "UP";
              });
          return host;
        });
    route(
        "GET",
        "/api/v1/quotas",
        (x, m, c) -> {
          requireAdmin(c);
          return new ArrayList<>(quotas.values());
        });
    route(
        "PUT",
        "/api/v1/quotas/(user|group)/([^/]+)",
        (x, m, c) -> {
          requireAdmin(c);
          Map<?, ?> limits = jsonBody(x);
          if (limits.values().stream().allMatch(Objects::isNull)) {
            throw new Problem(
                400, "A quota limits at least one of maxDesktops, maxVcpus and maxMemoryMib");
          }
          Map<String, Object> quota =
              quotas.computeIfAbsent(
                  m.group(1) + "/" + m.group(2),
                  key -> {
                    Map<String, Object> fresh = new ConcurrentHashMap<>();
                    fresh.put("kind", m.group(1));
                    fresh.put("name", m.group(2));
                    fresh.put("usage", Map.of("desktops", 0, "vcpus", 0, "memoryMib", 0));
                    return fresh;
                  });
          quota.put("limits", limits);
          quota.put("updatedAt", Instant.now().toString());
          return quota;
        });
    route(
        "DELETE",
        "/api/v1/quotas/(user|group)/([^/]+)",
        (x, m, c) -> {
          requireAdmin(c);
          found(quotas.remove(m.group(1) + "/" + m.group(2)), "quota");
          x.sendResponseHeaders(204, -1);
          return Answered.YES;
        });
    start();
  }

  /** What the holder of a quota holds, as the control plane counts it. */
  public void quotaUsage(String kind, String name, int desktops, long vcpus, long memoryMib) {
    quotas
        .get(kind + "/" + name)
        .put("usage", Map.of("desktops", desktops, "vcpus", vcpus, "memoryMib", memoryMib));
  }

  public Optional<Map<String, Object>> quota(String kind, String name) {
    return Optional.ofNullable(quotas.get(kind + "/" + name));
  }

  public UUID addPool(String name, Set<String> entitledUsers) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("kind", "POOLED");
    spec.put("goldenImage", "img");
    spec.put("goldenVersion", "v1");
    spec.put("goldenDigest", "");
    spec.put("size", Map.of("vcpus", 1, "memoryMib", 512, "diskGib", 4));
    spec.put("minSize", 0);
    spec.put("maxSize", 5);
    spec.put("warmSpares", 0);
    spec.put("maxConcurrentRefresh", 1);
    spec.put("entitledUsers", List.copyOf(entitledUsers));
    spec.put("entitledGroups", List.of());
    return (UUID) addPoolWithSpec(spec).get("id");
  }

  /** Requests to this pool answer 409 pool-exhausted. */
  public void exhaust(UUID poolId) {
    pools.get(poolId).put("exhausted", true);
  }

  public java.util.Optional<Map<String, Object>> poolNamed(String name) {
    return pools.values().stream().filter(p -> name.equals(name(p))).findFirst();
  }

  public Map<String, Object> pool(UUID id) {
    return pools.get(id);
  }

  /** The key console grants are signed with: the one the console listener checks them with. */
  public void signGrantsWith(PrivateKey key) {
    grantKey = key;
  }

  /**
   * A desktop of the pool owned by {@code owner}; {@code display} (host and port of its host
   * agent's console listener) or null; only a redeemed console ticket shows it.
   */
  public UUID addDesktop(String owner, UUID poolId, String state, Map<String, Object> display) {
    UUID id = UUID.randomUUID();
    Map<String, Object> desktop = new ConcurrentHashMap<>();
    desktop.put("id", id);
    desktop.put("poolId", poolId);
    desktop.put("owner", owner);
    desktop.put("state", state);
    desktop.put("hostId", "host-1");
    desktop.put("goldenVersion", "v1");
    desktop.put("createdAt", Instant.now().toString());
    desktops.put(id, desktop);
    if (display != null) {
      showDisplay(id, display);
    }
    return id;
  }

  /** The desktop's agent reports its display: its console listener's host and port. */
  public void showDisplay(UUID desktopId, Map<String, Object> display) {
    displays.put(desktopId, Map.copyOf(display));
  }

  /** How long console tickets issued from now on stay good. */
  public void ticketTtl(Duration ttl) {
    ticketTtl = ttl;
  }

  public Map<String, Object> desktop(UUID id) {
    return desktops.get(id);
  }

  public void addHost(String id, String state) {
    Map<String, Object> host = new ConcurrentHashMap<>();
    host.put("id", id);
    host.put("state", state);
    host.put("capacity", Map.of("vcpus", 16, "memoryMib", 65536, "diskGib", 500));
    host.put("allocatable", Map.of("vcpus", 64, "memoryMib", 65536, "diskGib", 500));
    host.put("allocated", Map.of("vcpus", 0, "memoryMib", 0, "diskGib", 0));
    host.put("desktops", 0);
    host.put("labels", Map.of());
    host.put("zone", "default");
    host.put("generation", 1);
    hosts.put(id, host);
  }

  /** What the host's desktops claim, as the control plane sums their claims. */
  public void hostUsage(String id, int desktops, long vcpus, long memoryMib, long diskGib) {
    Map<String, Object> host = hosts.get(id);
    host.put("allocated", Map.of("vcpus", vcpus, "memoryMib", memoryMib, "diskGib", diskGib));
    host.put("desktops", desktops);
  }

  public Map<String, Object> host(String id) {
    return hosts.get(id);
  }

  /**
   * The pool with where its desktops stand against its golden version, counted as the control plane
   * counts them.
   */
  private Map<String, Object> withRollout(Map<String, Object> pool) {
    Object version = spec(pool).get("goldenVersion");
    int total = 0;
    int current = 0;
    int refreshing = 0;
    int waiting = 0;
    int queued = 0;
    for (Map<String, Object> d : desktops.values()) {
      if (!pool.get("id").equals(d.get("poolId"))
          || List.of("DELETING", "DELETED").contains(d.get("state"))) {
        continue;
      }
      total++;
      boolean onVersion = version.equals(d.get("goldenVersion"));
      if ("REFRESHING".equals(d.get("state"))) {
        refreshing++;
      } else if (onVersion) {
        current++;
      } else if (d.get("owner") != null) {
        waiting++;
      } else {
        queued++;
      }
    }
    Map<String, Object> shown = new LinkedHashMap<>(pool);
    shown.put(
        "rollout",
        Map.of(
            "desktops", total,
            "current", current,
            "refreshing", refreshing,
            "waitingForLogoff", waiting,
            "queued", queued));
    return shown;
  }

  private Map<String, Object> addPoolWithSpec(Map<String, Object> spec) {
    UUID id = UUID.randomUUID();
    Map<String, Object> pool = new ConcurrentHashMap<>();
    pool.put("id", id);
    pool.put("spec", spec);
    pool.put("state", "ACTIVE");
    pool.put("version", 1);
    pools.put(id, pool);
    return pool;
  }

  private List<Map<String, Object>> visiblePools(Caller caller) {
    return pools.values().stream()
        .filter(
            p ->
                caller.isAdmin()
                    || ((List<?>) spec(p).get("entitledUsers")).contains(caller.subject()))
        .toList();
  }

  private List<Map<String, Object>> visibleDesktops(Caller caller) {
    return desktops.values().stream()
        .filter(d -> caller.isAdmin() || caller.subject().equals(d.get("owner")))
        .toList();
  }

  private Map<String, Object> visibleDesktop(Caller caller, UUID id) {
    Map<String, Object> desktop = desktops.get(id);
    if (desktop == null || !caller.isAdmin() && !caller.subject().equals(desktop.get("owner"))) {
      throw new Problem(404, "No desktop " + id);
    }
    return desktop;
  }

  /** A person the directory lists, as the control plane reads them from Keycloak. */
  public void addDirectoryUser(String id, String username) {
    directoryUsers.add(
        Map.of(
            "id", id, "username", username, "email", username + "@example.test", "fullName", ""));
  }

  public void addDirectoryGroup(String name) {
    directoryGroups.add(name);
  }

  /** Answers directory reads 503, as the control plane does while Keycloak is unreachable. */
  public void directoryDown(boolean down) {
    directoryDown = down;
  }

  private void requireDirectory() {
    if (directoryDown) {
      throw new Problem(
          503, "Keycloak did not answer; entitlement checks fail closed until it does");
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!requireCaller(caller).isAdmin()) {
      throw new Problem(403, "Only admins may do this");
    }
  }

  private static Map<String, Object> found(Map<String, Object> thing, String kind) {
    if (thing == null) {
      throw new Problem(404, "No such " + kind);
    }
    return thing;
  }

  private static Map<String, Object> page(List<Map<String, Object>> items) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("nextCursor", null);
    return page;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> pool) {
    return (Map<String, Object>) pool.get("spec");
  }

  private static String name(Map<String, Object> pool) {
    return (String) spec(pool).get("name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
