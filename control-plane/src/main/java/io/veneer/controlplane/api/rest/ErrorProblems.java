package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error dispatch (a failure no handler of {@link ProblemAdvice} answered,
 * or an error status sent outside Spring MVC), answered as application/problem+json like every
 * other API error rather than in Spring Boot's own JSON. It shows nothing of the failure itself,
 * which the container logs. Not an operation of the API, so not in its document.
 */
@Hidden
@RestController
class ErrorProblems implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    HttpStatus status = statusOf(request);
    boolean failed = status.is5xxServerError();
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            status,
            failed
                ? "The control plane failed to answer; the request may be retried (a create sent"
                    + " again with the same Idempotency-Key is not made twice)"
                : status.getReasonPhrase());
    problem.setType(
        URI.create("https://veneer.io/problems/" + (failed ? "internal-error" : "error")));
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /** The status the failed request was answered with; a 500 when the container names none. */
  private static HttpStatus statusOf(HttpServletRequest request) {
    HttpStatus status =
        request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
            ? HttpStatus.resolve(code)
            : null;
    return status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
  }
}
