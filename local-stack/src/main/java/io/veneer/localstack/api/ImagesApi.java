package io.veneer.localstack.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The calls the stack makes to the golden image service ({@code /api/v1/images}). */
public final class ImagesApi {

  private final JsonApi api;

  public ImagesApi(JsonApi api) {
    this.api = api;
  }

  /**
   * The image named {@code name} with a published version made from {@code disk}, carrying {@code
   * kernel} and {@code initrd} for direct kernel boot. What an earlier run imported is reused: the
   * same bytes give the same digests.
   */
  public PublishedImage ensurePublished(
      String name,
      String description,
      Map<String, Object> hardware,
      Path disk,
      Path kernel,
      Path initrd)
      throws ApiException, IOException {
    String imageId = imageNamed(name).orElse(null);
    if (imageId == null) {
      imageId =
          api.post(
                  "/api/v1/images",
                  Map.of(
                      "name",
                      name,
                      "description",
                      description,
                      "os",
                      "linux",
                      "hardware",
                      hardware),
                  Map.of())
              .path("id")
              .asString();
    }
    String sourceDigest = sha256(disk);
    String kernelDigest = sha256(kernel);
    String initrdDigest = sha256(initrd);
    JsonNode version = null;
    for (JsonNode candidate : api.get("/api/v1/images/" + imageId + "/versions").path("items")) {
      String state = candidate.path("state").asString();
      // A published version's kernel is fixed: one without these boot files is not reused.
      boolean bootsThese =
          kernelDigest.equals(candidate.path("kernel").path("digest").asString())
              && initrdDigest.equals(candidate.path("initrd").path("digest").asString());
      if (sourceDigest.equals(candidate.path("sourceDigest").asString())
          && ((state.equals("PUBLISHED") && bootsThese) || state.equals("AVAILABLE"))) {
        version = candidate;
        break;
      }
    }
    if (version == null) {
      version =
          api.postFile(
              "/api/v1/images/"
                  + imageId
                  + "/versions?expectedDigest="
                  + sourceDigest
                  + "&fileName="
                  + disk.getFileName(),
              disk);
    }
    String versionPath = "/api/v1/images/" + imageId + "/versions/" + version.path("id").asString();
    if (version.path("state").asString().equals("AVAILABLE")) {
      api.putFile(versionPath + "/kernel", kernel);
      api.putFile(versionPath + "/initrd", initrd);
      version = api.post(versionPath + "/publish", Map.of(), Map.of());
    }
    return new PublishedImage(
        name,
        version.path("id").asString(),
        version.path("number").asInt(),
        version.path("digest").asString(),
        version.path("sizeBytes").asLong());
  }

  private Optional<String> imageNamed(String name) throws ApiException {
    String pageToken = "";
    do {
      JsonNode page = api.get("/api/v1/images?pageSize=500&pageToken=" + pageToken);
      for (JsonNode image : page.path("items")) {
        if (name.equals(image.path("name").asString())) {
          return Optional.of(image.path("id").asString());
        }
      }
      pageToken = page.path("nextPageToken").asString("");
    } while (!pageToken.isEmpty());
    return Optional.empty();
  }

  /** {@code sha256:<hex>} of a file, as the images API names blobs and sources. */
  public static String sha256(Path file) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return "sha256:" + HexFormat.of().formatHex(sha256.digest());
  }
}
