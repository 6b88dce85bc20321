package io.veneer.controlplane.api.rest;

import io.veneer.controlplane.common.DatabaseOutage;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.console.ConsoleUnavailableException;
import io.veneer.controlplane.console.TicketRefusedException;
import io.veneer.controlplane.desktops.GoldenUpdateRefusedException;
import io.veneer.controlplane.desktops.IllegalTransitionException;
import io.veneer.controlplane.hosts.HostStateConflictException;
import io.veneer.controlplane.idempotency.IdempotencyKeyReusedException;
import io.veneer.controlplane.identity.DirectoryUnavailableException;
import io.veneer.controlplane.images.GoldenImageServiceUnavailableException;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.quotas.QuotaExceededException;
import io.veneer.controlplane.security.ForbiddenException;
import io.veneer.controlplane.userdata.UserDataDiskBusyException;
import java.net.URI;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure a caller can act on, as application/problem+json, in one place. Spring MVC's own
 * failures (unreadable bodies, wrong methods, ...) are answered by the base class, as problem+json
 * too.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

  @ExceptionHandler(NotFoundException.class)
  ProblemDetail notFound(NotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage());
  }

  @ExceptionHandler(ForbiddenException.class)
  ProblemDetail forbidden(ForbiddenException e) {
    return problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
  }

  @ExceptionHandler(IllegalTransitionException.class)
  ProblemDetail illegalTransition(IllegalTransitionException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "illegal-transition", e.getMessage());
    problem.setProperty("currentState", e.current().name());
    problem.setProperty("requestedState", e.requested().name());
    return problem;
  }

  /** Another writer changed the same object at the same moment: rare, and worth a second try. */
  @ExceptionHandler(OptimisticLockingFailureException.class)
  ProblemDetail concurrentChange(OptimisticLockingFailureException e) {
    return problem(
        HttpStatus.CONFLICT,
        "concurrent-change",
        "It changed while your request was applied; send the request again");
  }

  /**
   * PostgreSQL out of reach: 503 with {@code Retry-After}, so clients wait and retry rather than
   * report an internal error. Any other data access failure stays what it was (an internal error).
   */
  @ExceptionHandler({DataAccessException.class, TransactionException.class})
  ResponseEntity<ProblemDetail> databaseOutage(RuntimeException e) {
    if (!DatabaseOutage.causedBy(e)) {
      throw e;
    }
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseOutage.RETRY_AFTER.toSeconds()))
        .body(
            problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", DatabaseOutage.DETAIL));
  }

  @ExceptionHandler(HostStateConflictException.class)
  ProblemDetail hostState(HostStateConflictException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "host-state-conflict", e.getMessage());
    problem.setProperty("currentState", e.current().name());
    problem.setProperty("requestedState", e.requested().name());
    return problem;
  }

  @ExceptionHandler(TicketRefusedException.class)
  ProblemDetail ticketRefused(TicketRefusedException e) {
    return problem(HttpStatus.FORBIDDEN, "console-ticket-refused", e.getMessage());
  }

  @ExceptionHandler(ConsoleUnavailableException.class)
  ProblemDetail consoleUnavailable(ConsoleUnavailableException e) {
    return problem(HttpStatus.CONFLICT, "console-unavailable", e.getMessage());
  }

  @ExceptionHandler(DirectoryUnavailableException.class)
  ProblemDetail directoryUnavailable(DirectoryUnavailableException e) {
    return problem(HttpStatus.SERVICE_UNAVAILABLE, "directory-unavailable", e.getMessage());
  }

  @ExceptionHandler(GoldenImageServiceUnavailableException.class)
  ProblemDetail goldenImagesUnavailable(GoldenImageServiceUnavailableException e) {
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE, "golden-image-service-unavailable", e.getMessage());
  }

  @ExceptionHandler(PoolExhaustedException.class)
  ProblemDetail exhausted(PoolExhaustedException e) {
    return problem(HttpStatus.CONFLICT, "pool-exhausted", e.getMessage());
  }

  /** Retryable: the user's previous desktop lets go of their user-data disk within seconds. */
  @ExceptionHandler(UserDataDiskBusyException.class)
  ResponseEntity<ProblemDetail> userDataDiskBusy(UserDataDiskBusyException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "user-data-disk-busy", e.getMessage());
    problem.setProperty("userDataDiskId", e.diskId().toString());
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .header(
            HttpHeaders.RETRY_AFTER,
            Integer.toString(UserDataDiskBusyException.RETRY_AFTER_SECONDS))
        .body(problem);
  }

  /** The quota that would be exceeded, named with its limit and usage, so a client can show it. */
  @ExceptionHandler(QuotaExceededException.class)
  ProblemDetail quotaExceeded(QuotaExceededException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "quota-exceeded", e.getMessage());
    problem.setProperty("quota", e.holder().kind().key() + "/" + e.holder().name());
    problem.setProperty("measure", e.measure());
    problem.setProperty("limit", e.limit());
    problem.setProperty("usage", e.usage());
    problem.setProperty("requested", e.requested());
    return problem;
  }

  @ExceptionHandler(GoldenUpdateRefusedException.class)
  ProblemDetail goldenUpdateRefused(GoldenUpdateRefusedException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "golden-update-refused", e.getMessage());
    problem.setProperty("reason", e.reason().name());
    return problem;
  }

  @ExceptionHandler(IdempotencyKeyReusedException.class)
  ProblemDetail keyReused(IdempotencyKeyReusedException e) {
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", e.getMessage());
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail invalid(IllegalArgumentException e) {
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", e.getMessage());
  }

  /**
   * A request body that could not be read. When a value in it was refused (a record's constructor
   * threw {@link IllegalArgumentException}, e.g. a pool's hardware), that refusal is the detail, as
   * for any other invalid request; otherwise the base class's generic answer.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IllegalArgumentException refused) {
        return ResponseEntity.badRequest().headers(headers).body(invalid(refused));
      }
    }
    return super.handleHttpMessageNotReadable(e, headers, status, request);
  }

  private static ProblemDetail problem(HttpStatus status, String type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("https://veneer.io/problems/" + type));
    return problem;
  }
}
