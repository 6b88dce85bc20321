package io.veneer.cli;

/** The exit status of every command, for scripts: one per kind of failure a caller can act on. */
public enum ExitCode {
  OK(0, "done"),
  FAILED(1, "an unexpected failure (the network, or a bug): the message says what happened"),
  USAGE(2, "a wrong command line or an unreadable file: see --help"),
  NOT_LOGGED_IN(3, "no valid token: run ./veneer login (or pass --token)"),
  FORBIDDEN(4, "the token may not do this: the admin role or a scope is missing"),
  NOT_FOUND(5, "no such object, or not yours: check the id or name"),
  CONFLICT(6, "its state does not allow this, the pool is exhausted, or the upload offset moved"),
  INVALID(7, "the service refused a value of the request, or an image"),
  UNAVAILABLE(8, "a service does not answer: try again later");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /** What it means and what to do, as the help text lists it. */
  public String meaning() {
    return meaning;
  }

  /** The exit code of an HTTP problem answer. */
  static ExitCode ofHttpStatus(int status) {
    return switch (status) {
      case 400, 422 -> INVALID;
      case 401 -> NOT_LOGGED_IN;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 502, 503, 504 -> UNAVAILABLE;
      default -> FAILED;
    };
  }
}
