package io.veneer.images.api;

import io.veneer.images.catalogue.ConflictException;
import io.veneer.images.catalogue.IllegalTransitionException;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.upload.ImageRejectedException;
import io.veneer.images.upload.UploadOffsetMismatchException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every failure a caller can act on, as application/problem+json, in one place. */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

  @ExceptionHandler
  ProblemDetail notFound(NotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
  }

  @ExceptionHandler
  ProblemDetail conflict(ConflictException e) {
    return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
  }

  @ExceptionHandler
  ProblemDetail illegalTransition(IllegalTransitionException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONFLICT, "Not allowed in this state", e.getMessage());
    problem.setProperty("currentState", e.current().name());
    return problem;
  }

  @ExceptionHandler
  ProblemDetail rejected(ImageRejectedException e) {
    ProblemDetail problem =
        problem(HttpStatus.UNPROCESSABLE_CONTENT, "Image rejected", e.getMessage());
    problem.setProperty("versionId", e.versionId().toString());
    return problem;
  }

  @ExceptionHandler
  ProblemDetail offsetMismatch(UploadOffsetMismatchException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "Wrong upload offset", e.getMessage());
    problem.setProperty("versionId", e.versionId().toString());
    problem.setProperty("bytesReceived", e.bytesReceived());
    return problem;
  }

  @ExceptionHandler
  ProblemDetail badRequest(IllegalArgumentException e) {
    return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
  }

  @ExceptionHandler
  ProblemDetail unauthorized(UnauthorizedException e) {
    return problem(HttpStatus.UNAUTHORIZED, "Unauthorized", e.getMessage());
  }

  @ExceptionHandler
  ProblemDetail forbidden(ForbiddenException e) {
    return problem(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage());
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return problem;
  }
}
