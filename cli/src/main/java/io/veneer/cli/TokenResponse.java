package io.veneer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An OIDC token endpoint's answer. */
record TokenResponse(String accessToken, String refreshToken, Instant expiresAt) {

  static TokenResponse of(JsonNode answer, Instant now) {
    return new TokenResponse(
        answer.path("access_token").asText(),
        answer.hasNonNull("refresh_token") ? answer.path("refresh_token").asText() : null,
        now.plusSeconds(answer.path("expires_in").asLong(60)));
  }
}
