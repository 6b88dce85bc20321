package io.veneer.images.api;

import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure a caller can act on, as application/problem+json, from the one table in {@link
 * Failure}; Spring MVC's own exceptions keep the closer handlers of {@link
 * ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

  /** Rethrown when not in the table, which leaves it to Spring as if there were no handler. */
  @ExceptionHandler
  ProblemDetail failure(RuntimeException e) {
    return Failure.of(e).map(Failure::problem).orElseThrow(() -> e);
  }
}
