package io.veneer.controlplane.api.grpc;

import io.grpc.stub.StreamObserver;

/** The one way a unary handler answers; failures are thrown and mapped by FailureInterceptor. */
final class Replies {

  private Replies() {}

  static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }
}
