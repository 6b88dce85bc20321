package io.veneer.loadtests.api;

/** The control plane answered a call with something other than success. */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(String call, int status, String body) {
    super(call + " answered " + status + ": " + body);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
