package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A failure that no handler answers goes to the servlet container's error dispatch ({@code
 * /error}), which the security chain must let through: denied, a 500 (in storms, a pool of
 * connections run dry) reached callers as a 403 saying they lacked a role.
 */
@Import(ErrorDispatchTest.FailingEndpoint.class)
class ErrorDispatchTest extends ControlPlaneSpringTest {

  /**
   * Fails with what no handler knows. (The failure seen in storms, a transaction that could not
   * start, is now answered as the database being unavailable: DatabaseOutageRestApiTest.)
   */
  @RestController
  static class FailingEndpoint {
    @GetMapping("/api/v1/failing-for-tests")
    String fail() {
      throw new Unforeseen("EntityManager in a state nobody planned for");
    }
  }

  static class Unforeseen extends RuntimeException {
    Unforeseen(String message) {
      super(message);
    }
  }

  @Test
  void aFailureNoHandlerAnswersIsA500ProblemNotARefusal() {
    RestClientForTests.Response response =
        new RestClientForTests(port).get("/api/v1/failing-for-tests", TestTokens.user("errors"));

    assertThat(response.status()).as("the failure, not a refusal").isEqualTo(500);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body().path("status").asInt()).isEqualTo(500);
    assertThat(response.body().path("type").asString())
        .isEqualTo("https://veneer.io/problems/internal-error");
    assertThat(response.body().path("detail").asString())
        .as("says what the caller may do, and nothing of the control plane's insides")
        .contains("retried")
        .doesNotContain("EntityManager");
  }

  @Test
  void aPathOutsideTheApiIsStillRefused() {
    RestClientForTests.Response response =
        new RestClientForTests(port).get("/error", TestTokens.admin("errors"));

    assertThat(response.status())
        .as("only the container's own error dispatch is let through, not a request for /error")
        .isEqualTo(403);
  }
}
