package io.veneer.apidocs;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem.HttpMethod;

/** One operation of an OpenAPI document, with the facts the conventions decide on. */
public record ApiOperation(HttpMethod method, String path, Operation operation) {

  /** {@code GET /api/v1/pools/{id}}: how findings and tables name an operation. */
  public String name() {
    return method + " " + path;
  }

  /** It names an existing object in its path, which may not exist (or not be the caller's). */
  public boolean namesAnObject() {
    return path.contains("{");
  }

  /** It reads parameters or a body, which may be malformed. */
  public boolean takesInput() {
    return operation.getRequestBody() != null
        || operation.getParameters() != null && !operation.getParameters().isEmpty();
  }

  /** It may change something (anything but a read). */
  public boolean changesState() {
    return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
  }

  public boolean hasHeader(String name) {
    return operation.getParameters() != null
        && operation.getParameters().stream()
            .anyMatch(p -> "header".equals(p.getIn()) && name.equalsIgnoreCase(p.getName()));
  }
}
