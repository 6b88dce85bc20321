package io.veneer.loadtests.api;

import java.time.Duration;
import java.util.Optional;

/**
 * The control plane answered a call with something other than success, and how long it asked to be
 * left alone ({@code Retry-After} in seconds, as a 503 of an outage carries it).
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final Duration retryAfter;

  public ApiException(String call, int status, String body) {
    this(call, status, body, null);
  }

  public ApiException(String call, int status, String body, Duration retryAfter) {
    super(call + " answered " + status + ": " + body);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** The answer's {@code Retry-After}, when it had one in seconds. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
