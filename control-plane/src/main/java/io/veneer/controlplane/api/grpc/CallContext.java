package io.veneer.controlplane.api.grpc;

import io.grpc.Context;
import io.veneer.controlplane.security.Caller;
import java.time.Instant;

/** What the interceptors learned about the current call, for the handlers to read. */
final class CallContext {

  static final Context.Key<Caller> CALLER = Context.key("veneer-caller");
  static final Context.Key<String> IDEMPOTENCY_KEY = Context.key("veneer-idempotency-key");

  /** When the caller's token expires (null when it does not say): long calls end then. */
  static final Context.Key<Instant> TOKEN_EXPIRES_AT = Context.key("veneer-token-expires-at");

  private CallContext() {}

  /** The authenticated caller; every service is served behind {@link BearerAuthentication}. */
  static Caller caller() {
    Caller caller = CALLER.get();
    if (caller == null) {
      throw new IllegalStateException("No caller: the call did not pass BearerAuthentication");
    }
    return caller;
  }

  /**
   * The create's idempotency key: the {@code idempotency-key} header (as REST's Idempotency-Key) or
   * the request's own {@code idempotency_key} field; null when neither is set.
   */
  static String idempotencyKey(String requestField) {
    String header = IDEMPOTENCY_KEY.get();
    if (header == null || header.isBlank()) {
      return requestField.isBlank() ? null : requestField;
    }
    if (!requestField.isBlank() && !requestField.equals(header)) {
      throw ApiFailures.invalid(
          "idempotency_key", "differs from the idempotency-key header; send the key once");
    }
    return header;
  }
}
