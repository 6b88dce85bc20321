package io.veneer.controlplane.common;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.veneer.grpc.TraceParent;
import java.util.Optional;

/** The trace a thread works for: the request's own, which Micrometer Tracing makes current. */
public final class Traces {

  private Traces() {}

  /** The current span's context, if this thread works inside a traced request. */
  public static Optional<TraceParent> current() {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return Optional.empty();
    }
    return Optional.of(
        new TraceParent(span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex()));
  }
}
