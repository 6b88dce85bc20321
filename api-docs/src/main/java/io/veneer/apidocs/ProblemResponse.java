package io.veneer.apidocs;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A problem (RFC 9457, {@code application/problem+json}) an API answers with, when it happens and
 * what to do, and the operations that can answer it. A service lists its problems once, in one
 * table; {@link ApiConventions} documents each on every operation it applies to.
 *
 * @param status the HTTP status
 * @param description when it happens and what the caller should do about it
 * @param appliesTo the operations that can answer it
 */
public record ProblemResponse(int status, String description, Predicate<ApiOperation> appliesTo) {

  public ProblemResponse {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("A problem is a 4xx or 5xx answer, not " + status);
    }
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(appliesTo, "appliesTo");
  }

  /** 400 on every operation that takes input. */
  public static ProblemResponse invalidRequest() {
    return new ProblemResponse(
        400,
        "The request is malformed or a value is out of range; `detail` says which. Nothing"
            + " changed: correct the request and send it again.",
        ApiOperation::takesInput);
  }

  /** 401 on every operation. */
  public static ProblemResponse unauthenticated(String whatToPresent) {
    return new ProblemResponse(
        401,
        "No valid bearer token (none, expired or wrongly signed): " + whatToPresent,
        op -> true);
  }

  /** 403 on every operation. */
  public static ProblemResponse forbidden(String whoMay) {
    return new ProblemResponse(
        403,
        "The token is valid but may not do this: " + whoMay + ". Nothing changed.",
        op -> true);
  }

  /** 404 on every operation whose path names an object. */
  public static ProblemResponse notFound(String detail) {
    return new ProblemResponse(404, detail, ApiOperation::namesAnObject);
  }
}
