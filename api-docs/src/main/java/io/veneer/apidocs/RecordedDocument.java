package io.veneer.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A service's OpenAPI document as recorded in {@code docs/openapi}, from which the {@code
 * api-client} module generates its clients. A service's test compares it with the document the
 * service serves, so the clients never drift from the API.
 */
public final class RecordedDocument {

  private static final ObjectMapper JSON = Json31.mapper();

  private RecordedDocument() {}

  /** The served document as swagger-core's model, for {@link ApiDocumentCheck}. */
  public static OpenAPI parse(String served) throws IOException {
    return JSON.readValue(served, OpenAPI.class);
  }

  /**
   * Empty when {@code recorded} holds the served document (as JSON, in any key order, apart from
   * its servers: springdoc names the address the document was asked for, which is where this one
   * runs, not part of the API); otherwise writes the served one, pretty, to {@code candidate} and
   * says what to do.
   */
  public static Optional<String> mismatch(String served, Path recorded, Path candidate)
      throws IOException {
    JsonNode servedTree = withoutServers(JSON.readTree(served));
    if (Files.exists(recorded)
        && withoutServers(JSON.readTree(recorded.toFile())).equals(servedTree)) {
      return Optional.empty();
    }
    Files.createDirectories(candidate.toAbsolutePath().getParent());
    Files.writeString(
        candidate, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(servedTree) + "\n");
    return Optional.of(
        recorded
            + " is not the document the service serves, so clients generated from it would be"
            + " wrong. The served one is in "
            + candidate
            + ": read the difference, copy it over and commit it with the API change.");
  }

  private static JsonNode withoutServers(JsonNode document) {
    if (document instanceof ObjectNode object) {
      object.remove("servers");
    }
    return document;
  }
}
