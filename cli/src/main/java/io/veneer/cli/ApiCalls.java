package io.veneer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Calls through the generated clients, with their failures turned into {@link CliFailure}s that
 * say, in words, what the service answered (its problem's detail) and what to do about it.
 */
final class ApiCalls {

  /** A call of a generated client, which throws that client's ApiException. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiCalls() {}

  static <T> T call(String what, Call<T> call) {
    try {
      return call.call();
    } catch (io.veneer.client.controlplane.ApiException e) {
      throw failure(what, e.getCode(), e.getResponseBody(), e);
    } catch (io.veneer.client.images.ApiException e) {
      throw failure(what, e.getCode(), e.getResponseBody(), e);
    } catch (CliFailure e) {
      throw e;
    } catch (Exception e) {
      throw new CliFailure(ExitCode.FAILED, what + ": " + e.getMessage());
    }
  }

  /** A problem+json answer (or none: the service was not reached) in words. */
  static CliFailure failure(String what, int status, String body, Throwable cause) {
    if (status == 0) {
      // The generated clients wrap an I/O failure (refused, reset, timed out) with no status.
      return new CliFailure(
          ExitCode.UNAVAILABLE,
          what
              + ": the service did not answer ("
              + rootOf(cause)
              + ")\n  What to do: "
              + ExitCode.UNAVAILABLE.meaning());
    }
    ExitCode exit = ExitCode.ofHttpStatus(status);
    return new CliFailure(
        exit, what + ": " + detailOf(body, status) + "\n  What to do: " + exit.meaning());
  }

  private static String detailOf(String body, int status) {
    if (body != null && !body.isBlank()) {
      try {
        JsonNode problem = JSON.readTree(body);
        String detail = problem.path("detail").asText("");
        if (!detail.isBlank()) {
          return detail + " (HTTP " + status + ")";
        }
      } catch (IOException notAProblem) {
        return body.strip() + " (HTTP " + status + ")";
      }
    }
    return "HTTP " + status;
  }

  private static Throwable rootOf(Throwable e) {
    if (e == null) {
      return new IllegalStateException("no answer");
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
