package io.veneer.testsupport.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** The one answer of a client-streaming or unary gRPC call, caught in a future. */
public final class Answers {

  private Answers() {}

  /**
   * An observer that completes {@code answer} with the first message, or with the call's error; a
   * call that ends without a message fails it rather than leaving it waiting.
   */
  public static <T> StreamObserver<T> into(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(new IllegalStateException("The call ended without an answer"));
      }
    };
  }
}
