package io.veneer.controlplane.images;

/** The golden image service could not answer a lookup; the request may be retried (HTTP 503). */
public class GoldenImageServiceUnavailableException extends RuntimeException {

  GoldenImageServiceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
