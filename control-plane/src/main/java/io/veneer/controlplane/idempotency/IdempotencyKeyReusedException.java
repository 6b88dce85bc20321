package io.veneer.controlplane.idempotency;

/** An Idempotency-Key was sent again with a different request (HTTP 422). */
public class IdempotencyKeyReusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public IdempotencyKeyReusedException(String key) {
    super("Idempotency-Key " + key + " was already used for a different request");
  }
}
