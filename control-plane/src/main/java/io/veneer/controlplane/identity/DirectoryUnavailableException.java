package io.veneer.controlplane.identity;

/** The identity provider cannot answer; whoever asked may retry (HTTP 503 / UNAVAILABLE). */
public class DirectoryUnavailableException extends RuntimeException {

  public DirectoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public DirectoryUnavailableException(String message) {
    super(message);
  }
}
