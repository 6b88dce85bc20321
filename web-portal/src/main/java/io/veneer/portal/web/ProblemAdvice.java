package io.veneer.portal.web;

import io.veneer.portal.backend.BackendProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.client.ResourceAccessException;

/**
 * Every failure shown in words: the backend's problem+json {@code detail} as it is. Requests from
 * htmx get a message fragment swapped into the page's message area, full page loads the problem
 * page, and the upload script (which asks for JSON) problem+json; all keep the HTTP status.
 */
@ControllerAdvice
class ProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  /** What went wrong, for a person. */
  private record Problem(int status, String title, String detail) {}

  @ExceptionHandler(
      exception = {BackendProblem.class, ResourceAccessException.class, PortalRefusal.class},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ProblemDetail> json(Exception e, HttpServletRequest request) {
    Problem problem = problem(e, request);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(problem.status()), problem.detail());
    body.setTitle(problem.title());
    return ResponseEntity.status(problem.status())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }

  @ExceptionHandler({BackendProblem.class, ResourceAccessException.class, PortalRefusal.class})
  String page(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
    Problem problem = problem(e, request);
    response.setStatus(problem.status());
    model.addAttribute("status", problem.status());
    model.addAttribute("title", problem.title());
    model.addAttribute("detail", problem.detail());
    if (request.getHeader("HX-Request") != null) {
      response.setHeader("HX-Retarget", "#messages");
      response.setHeader("HX-Reswap", "innerHTML");
      return "fragments/messages :: problem";
    }
    return "problem";
  }

  private static Problem problem(Exception e, HttpServletRequest request) {
    return switch (e) {
      case BackendProblem p -> new Problem(p.status(), p.title(), p.detail());
      case PortalRefusal r -> new Problem(r.status(), r.title(), r.getMessage());
      default -> {
        log.warn(
            "event=backend.unreachable path={} error=\"{}\"",
            request.getRequestURI(),
            e.getMessage());
        yield new Problem(
            HttpStatus.SERVICE_UNAVAILABLE.value(),
            "A Veneer service did not answer",
            "The portal could not reach a Veneer service in time. Try again in a minute; if it"
                + " keeps happening, tell an admin.");
      }
    };
  }
}
