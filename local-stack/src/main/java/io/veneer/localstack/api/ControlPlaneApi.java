package io.veneer.localstack.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The calls the stack makes to the control plane ({@code /api/v1}), as the local admin. */
public final class ControlPlaneApi {

  private final JsonApi api;

  public ControlPlaneApi(JsonApi api) {
    this.api = api;
  }

  /** Creates the host, or updates it when an earlier run registered it. */
  public void registerHost(String hostId, int vcpus, long memoryMib, long diskGib, String zone)
      throws ApiException {
    api.post(
        "/api/v1/hosts",
        Map.of(
            "hostId",
            hostId,
            "capacity",
            Map.of("vcpus", vcpus, "memoryMib", memoryMib, "diskGib", diskGib),
            "labels",
            Map.of(),
            "zone",
            zone),
        Map.of());
  }

  /** A new agent token for the host; the one an earlier run issued stops working. */
  public String issueAgentToken(String hostId) throws ApiException {
    return api.post("/api/v1/hosts/" + hostId + "/agent-token", Map.of(), Map.of())
        .path("agentToken")
        .asString();
  }

  public Optional<Instant> lastHeartbeat(String hostId) throws ApiException {
    String at = api.get("/api/v1/hosts/" + hostId).path("lastHeartbeatAt").asString("");
    return at.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(at));
  }

  /** The id of the pool named {@code name}, if there is one. */
  public Optional<String> poolNamed(String name) throws ApiException {
    for (JsonNode pool : all("/api/v1/pools")) {
      if (name.equals(pool.path("spec").path("name").asString())
          && !pool.path("state").asString("ACTIVE").startsWith("DELET")) {
        return Optional.of(pool.path("id").asString());
      }
    }
    return Optional.empty();
  }

  /** Creates a pool; the idempotency key makes a retried call return the first call's pool. */
  public String createPool(Map<String, Object> spec, String idempotencyKey) throws ApiException {
    return api.post("/api/v1/pools", spec, Map.of("Idempotency-Key", idempotencyKey))
        .path("id")
        .asString();
  }

  /** The desktops of one pool (the admin sees every desktop). */
  public List<JsonNode> desktopsOf(String poolId) throws ApiException {
    return all("/api/v1/desktops").stream()
        .filter(desktop -> poolId.equals(desktop.path("poolId").asString()))
        .toList();
  }

  private List<JsonNode> all(String path) throws ApiException {
    List<JsonNode> items = new ArrayList<>();
    String cursor = "";
    do {
      JsonNode page = api.get(path + "?limit=500" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
      page.path("items").forEach(items::add);
      cursor = page.path("nextCursor").asString("");
    } while (!cursor.isEmpty());
    return items;
  }
}
