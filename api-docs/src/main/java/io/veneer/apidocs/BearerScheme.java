package io.veneer.apidocs;

import java.util.Objects;

/**
 * An HTTP bearer security scheme: {@code Authorization: Bearer <token>}.
 *
 * @param name its name in the document's {@code components.securitySchemes}
 * @param description which tokens it takes and where to get one
 */
public record BearerScheme(String name, String description) {

  public BearerScheme {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }
}
