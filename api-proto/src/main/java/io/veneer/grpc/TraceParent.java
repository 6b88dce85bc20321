package io.veneer.grpc;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex
 * flags>}), as a desktop's spec carries it from the request that asked for it to the agent that
 * builds it, so that each side logs the same trace id. Anything else an agent or a peer sends is
 * dropped, never logged.
 */
public record TraceParent(String traceId, String spanId, String flags) {

  private static final Pattern WIRE =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String NO_TRACE = "0".repeat(32);
  private static final String NO_SPAN = "0".repeat(16);

  public TraceParent {
    if (!WIRE.matcher("00-" + traceId + "-" + spanId + "-" + flags).matches()
        || traceId.equals(NO_TRACE)
        || spanId.equals(NO_SPAN)) {
      throw new IllegalArgumentException("not a W3C trace context");
    }
  }

  /** The trace context in {@code text}, if it is a valid one (empty for blank or malformed). */
  public static Optional<TraceParent> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    var matcher = WIRE.matcher(text.strip());
    if (!matcher.matches()
        || matcher.group(1).equals(NO_TRACE)
        || matcher.group(2).equals(NO_SPAN)) {
      return Optional.empty();
    }
    return Optional.of(new TraceParent(matcher.group(1), matcher.group(2), matcher.group(3)));
  }

  /** The header value. */
  @Override
  public String toString() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }
}
