package io.veneer.controlplane.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Carries metadata {@code idempotency-key} (REST's Idempotency-Key header) to the handlers. */
final class IdempotencyKeyHeader implements ServerInterceptor {

  static final Metadata.Key<String> KEY =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Context context = Context.current().withValue(CallContext.IDEMPOTENCY_KEY, headers.get(KEY));
    return Contexts.interceptCall(context, call, headers, next);
  }
}
