package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.veneer.apidocs.ApiConventions;
import io.veneer.apidocs.ApiOperation;
import io.veneer.apidocs.BearerScheme;
import io.veneer.apidocs.ProblemResponse;
import io.veneer.controlplane.security.Scopes;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API's OpenAPI document ({@code /v3/api-docs}): what the API is, how to authenticate, and
 * every problem it answers with, once, in {@link #PROBLEMS}; each operation says what it does in
 * its own {@code @Operation}.
 */
@Configuration
class ApiDocumentation {

  /** Every problem {@link ProblemAdvice} and the security filters answer, and where. */
  private static final List<ProblemResponse> PROBLEMS =
      List.of(
          ProblemResponse.invalidRequest(),
          ProblemResponse.unauthenticated(
              "get an access token from the OIDC issuer (Keycloak realm veneer: `./veneer login`,"
                  + " or the portal) and send it as `Authorization: Bearer <token>`"),
          ProblemResponse.forbidden(
              "hosts, the audit log, the directory, quotas and changing pools are for the admin"
                  + " role;"
                  + " a client acting as itself needs the scope of the area ("
                  + String.join(", ", Scopes.ALL.stream().sorted().toList())
                  + ")"),
          ProblemResponse.notFound(
              "No such object, or not yours: a user naming another user's desktop learns"
                  + " nothing. Check the id."),
          new ProblemResponse(
              409,
              "Its current state does not allow this (`currentState` and `requestedState` say"
                  + " which), the pool has no desktop left, a quota would be exceeded (type"
                  + " quota-exceeded: `quota`, `measure`, `limit`, `usage` and `requested` say"
                  + " which and by how much), or it kept changing while the request was applied."
                  + " Read it again, then retry or do what `detail` says.",
              ApiOperation::changesState),
          new ProblemResponse(
              422,
              "This Idempotency-Key came before with a different request: use a new key.",
              op -> op.hasHeader("Idempotency-Key")),
          new ProblemResponse(
              503,
              "A service this request needs does not answer: the database (any request, with"
                  + " `Retry-After` in seconds), the golden image service for a pool's golden"
                  + " version, the directory. Try again later, with the same Idempotency-Key"
                  + " if the request creates something.",
              op -> true));

  @Bean
  OpenAPI controlPlaneApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Veneer control plane")
                .version("v1")
                .description(
                    "Pools, desktops, quotas, hosts, console tickets and the audit log of Veneer, a"
                        + " control plane for virtual desktops. Every call takes an OIDC access"
                        + " token; users see and touch only their own desktops and the pools"
                        + " they are entitled to, admins everything. Errors are RFC 9457"
                        + " problems (application/problem+json) whose `detail` says what to"
                        + " do. Requests that create things take an `Idempotency-Key`."));
  }

  @Bean
  ApiConventions controlPlaneApiConventions() {
    return new ApiConventions(
        List.of(
            new BearerScheme(
                "bearer",
                "An OIDC access token (a JWT) from the realm's issuer: a person's, with the user"
                    + " or admin role, or a client's (client credentials) with veneer:* scopes.")),
        PROBLEMS);
  }
}
