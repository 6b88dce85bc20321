package io.veneer.images.api;

import io.veneer.images.ImagesProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who may call the images API (REST and gRPC) until the identity service lands: whoever presents
 * {@code veneer.images.api-token} as a bearer token, or anyone in local development mode.
 */
@Component
public final class ApiAccess {

  private static final Logger log = LoggerFactory.getLogger(ApiAccess.class);

  private final byte[] token;
  private final boolean localDevMode;

  public ApiAccess(ImagesProperties properties) {
    this.localDevMode = properties.localDevMode();
    this.token =
        properties.apiToken() == null || properties.apiToken().isBlank()
            ? null
            : properties.apiToken().getBytes(StandardCharsets.UTF_8);
    if (localDevMode) {
      log.warn(
          "event=local-dev-mode the images API is open to anyone who can reach it;"
              + " set veneer.images.api-token and turn local-dev-mode off outside development");
    }
  }

  /** Whether a caller presenting this Authorization header (or null) may use the API. */
  public boolean admits(String authorization) {
    if (localDevMode) {
      return true;
    }
    if (token == null || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        token, authorization.substring(7).getBytes(StandardCharsets.UTF_8));
  }

  /** What to tell a caller that was refused. */
  public static String refusal() {
    return "Present the images API token (veneer.images.api-token) as 'Authorization: Bearer"
        + " <token>'";
  }
}
