package io.veneer.controlplane.api.grpc;

import io.veneer.api.v1.PageRequest;
import java.util.UUID;

/**
 * A list request's page: the application services' cursor (null for the first page) and size.
 *
 * @param cursor the last id of the previous page, as the services issue it
 * @param size items wanted: 50 when unset, at most 500
 */
record PageQuery(String cursor, int size) {

  static final int DEFAULT_SIZE = 50;
  static final int MAX_SIZE = 500;

  /** A page of a listing ordered by UUID: the token must be one the server issued. */
  static PageQuery ofUuids(PageRequest page) {
    PageQuery query = of(page);
    if (query.cursor() != null) {
      try {
        UUID.fromString(query.cursor());
      } catch (IllegalArgumentException e) {
        throw ApiFailures.invalid(
            "page.page_token", "is not a token this server issued; start again without one");
      }
    }
    return query;
  }

  /** A page of a listing ordered by any string id. */
  static PageQuery of(PageRequest page) {
    if (page.getPageSize() < 0) {
      throw ApiFailures.invalid("page.page_size", "cannot be negative");
    }
    int size = page.getPageSize() == 0 ? DEFAULT_SIZE : Math.min(page.getPageSize(), MAX_SIZE);
    String token = page.getPageToken();
    return new PageQuery(token.isEmpty() ? null : token, size);
  }
}
