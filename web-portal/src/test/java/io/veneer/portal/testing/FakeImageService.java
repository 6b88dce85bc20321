package io.veneer.portal.testing;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The golden image service's REST API as far as the portal uses it: admins only (403 otherwise),
 * resumable uploads that insist on {@code Upload-Offset = bytesReceived} (409 otherwise), publish
 * and deprecate with 409 for moves that are not allowed.
 */
public final class FakeImageService extends FakeHttpServer {

  private final Map<UUID, Map<String, Object>> images = new ConcurrentHashMap<>();
  private final Map<UUID, Map<String, Object>> versions = new ConcurrentHashMap<>();
  private final Map<UUID, ByteArrayOutputStream> contents = new ConcurrentHashMap<>();

  public FakeImageService() {
    route(
        "GET",
        "/api/v1/images",
        (x, m, c) -> {
          admin(c);
          return Map.of("items", new ArrayList<>(images.values()), "nextPageToken", "");
        });
    route(
        "POST",
        "/api/v1/images",
        (x, m, c) -> {
          admin(c);
          Map<String, Object> image = new ConcurrentHashMap<>(cast(jsonBody(x)));
          UUID id = UUID.randomUUID();
          image.put("id", id);
          image.put("createdAt", Instant.now().toString());
          images.put(id, image);
          return new Reply(201, image);
        });
    route("GET", "/api/v1/images/([0-9a-f-]{36})", (x, m, c) -> image(c, m.group(1)));
    route(
        "GET",
        "/api/v1/images/([0-9a-f-]{36})/versions",
        (x, m, c) -> {
          image(c, m.group(1));
          List<Map<String, Object>> list =
              versions.values().stream()
                  .filter(v -> v.get("imageId").toString().equals(m.group(1)))
                  .sorted((a, b) -> (Integer) b.get("number") - (Integer) a.get("number"))
                  .toList();
          return Map.of("items", list, "nextPageToken", "");
        });
    route(
        "POST",
        "/api/v1/images/([0-9a-f-]{36})/versions:begin",
        (x, m, c) -> {
          image(c, m.group(1));
          return new Reply(201, addVersion(UUID.fromString(m.group(1)), "UPLOADING"));
        });
    route(
        "GET",
        "/api/v1/images/([0-9a-f-]{36})/versions/([0-9a-f-]{36})",
        (x, m, c) -> version(c, m.group(2)));
    route(
        "PATCH",
        "/api/v1/images/([0-9a-f-]{36})/versions/([0-9a-f-]{36})/content",
        (x, m, c) -> {
          Map<String, Object> version = version(c, m.group(2));
          long offset = Long.parseLong(x.getRequestHeaders().getFirst("Upload-Offset"));
          long received = ((Number) version.get("bytesReceived")).longValue();
          if (offset != received) {
            throw new Problem(
                409,
                "Upload-Offset "
                    + offset
                    + " does not match the "
                    + received
                    + " bytes received; resume at "
                    + received);
          }
          byte[] piece = x.getRequestBody().readAllBytes();
          contents.get(UUID.fromString(m.group(2))).writeBytes(piece);
          version.put("bytesReceived", received + piece.length);
          return version;
        });
    route(
        "POST",
        "/api/v1/images/([0-9a-f-]{36})/versions/([0-9a-f-]{36})/complete",
        (x, m, c) -> {
          Map<String, Object> version = version(c, m.group(2));
          byte[] bytes = contents.get(UUID.fromString(m.group(2))).toByteArray();
          version.put("state", "AVAILABLE");
          version.put("digest", "sha256:" + sha256(bytes));
          version.put("sizeBytes", bytes.length);
          return new Reply(201, version);
        });
    route(
        "POST",
        "/api/v1/images/([0-9a-f-]{36})/versions/([0-9a-f-]{36})/(publish|deprecate)",
        (x, m, c) -> {
          Map<String, Object> version = version(c, m.group(2));
          String from = (String) version.get("state");
          String to = "publish".equals(m.group(3)) ? "PUBLISHED" : "DEPRECATED";
          boolean allowed =
              "PUBLISHED".equals(to) ? "AVAILABLE".equals(from) : "PUBLISHED".equals(from);
          if (!allowed) {
            throw new Problem(409, "Version is " + from + "; it cannot become " + to);
          }
          version.put("state", to);
          return version;
        });
    start();
  }

  /** An image with one version in {@code state}; the version's id. */
  public UUID addImageWithVersion(String name, String state) {
    UUID imageId = UUID.randomUUID();
    Map<String, Object> image = new ConcurrentHashMap<>();
    image.put("id", imageId);
    image.put("name", name);
    image.put("description", "");
    image.put("os", "linux");
    image.put("createdAt", Instant.now().toString());
    images.put(imageId, image);
    return (UUID) addVersion(imageId, state).get("id");
  }

  public Map<String, Object> version(UUID id) {
    return versions.get(id);
  }

  /** The bytes uploaded to the version, as the service received them. */
  public byte[] content(UUID versionId) {
    return contents.get(versionId).toByteArray();
  }

  private Map<String, Object> addVersion(UUID imageId, String state) {
    UUID id = UUID.randomUUID();
    int number =
        (int) versions.values().stream().filter(v -> v.get("imageId").equals(imageId)).count() + 1;
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("id", id);
    version.put("imageId", imageId);
    version.put("number", number);
    version.put("state", state);
    version.put("bytesReceived", 0L);
    version.put("createdAt", Instant.now().toString());
    versions.put(id, new ConcurrentHashMap<>(version));
    contents.put(id, new ByteArrayOutputStream());
    return versions.get(id);
  }

  private Map<String, Object> image(Caller caller, String id) {
    admin(caller);
    Map<String, Object> image = images.get(UUID.fromString(id));
    if (image == null) {
      throw new Problem(404, "No image " + id);
    }
    return image;
  }

  private Map<String, Object> version(Caller caller, String id) {
    admin(caller);
    Map<String, Object> version = versions.get(UUID.fromString(id));
    if (version == null) {
      throw new Problem(404, "No version " + id);
    }
    return version;
  }

  private static void admin(Caller caller) {
    if (!requireCaller(caller).isAdmin()) {
      throw new Problem(403, "The image service wants the admin role");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
