package io.veneer.portal.security;

/** The identity provider's discovery document could not be read (yet): nobody can log in now. */
public final class IdentityProviderUnavailable extends RuntimeException {

  private final String issuers;

  IdentityProviderUnavailable(String issuers, Throwable cause) {
    super(reason(cause), cause);
    this.issuers = issuers;
  }

  /** The issuer URIs whose discovery was tried. */
  public String issuers() {
    return issuers;
  }

  /** The innermost cause says most (connection refused, 404, ...); Spring's wrappers repeat. */
  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
