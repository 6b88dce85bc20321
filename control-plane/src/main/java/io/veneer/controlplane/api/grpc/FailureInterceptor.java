package io.veneer.controlplane.api.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a call whose handler threw with the status {@link ApiFailures} maps the exception to, so
 * the handlers stay plain calls into the application services and no failure reaches the client as
 * UNKNOWN.
 */
final class FailureInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ClosedOnce<Q, R> guarded = new ClosedOnce<>(call);
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(guarded, headers);
    } catch (RuntimeException e) {
      guarded.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          guarded.fail(e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          guarded.fail(e);
        }
      }

      @Override
      public void onReady() {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          guarded.fail(e);
        }
      }
    };
  }

  /** The call, closed by whoever comes first: the handler's observer or a failure. */
  private static final class ClosedOnce<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

    private final AtomicBoolean closed = new AtomicBoolean();

    ClosedOnce(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (closed.compareAndSet(false, true)) {
        super.close(status, trailers);
      }
    }

    void fail(RuntimeException failure) {
      StatusRuntimeException status = ApiFailures.toStatus(failure);
      Metadata trailers = status.getTrailers();
      close(status.getStatus(), trailers == null ? new Metadata() : trailers);
    }
  }
}
