package io.veneer.localstack.api;

/** A REST call the stack made was refused, or could not be made at all (status 0). */
public final class ApiException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(String message, int status) {
    super(message);
    this.status = status;
  }

  public ApiException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  public int status() {
    return status;
  }
}
