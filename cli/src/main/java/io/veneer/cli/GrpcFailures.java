package io.veneer.cli;

import io.grpc.StatusRuntimeException;

/** A gRPC status in words, with what to do and the exit code of its kind. */
final class GrpcFailures {

  private GrpcFailures() {}

  static CliFailure of(String what, StatusRuntimeException e) {
    ExitCode exit =
        switch (e.getStatus().getCode()) {
          case UNAUTHENTICATED -> ExitCode.NOT_LOGGED_IN;
          case PERMISSION_DENIED -> ExitCode.FORBIDDEN;
          case NOT_FOUND -> ExitCode.NOT_FOUND;
          case FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS, RESOURCE_EXHAUSTED ->
              ExitCode.CONFLICT;
          case INVALID_ARGUMENT, OUT_OF_RANGE -> ExitCode.INVALID;
          case UNAVAILABLE, DEADLINE_EXCEEDED -> ExitCode.UNAVAILABLE;
          default -> ExitCode.FAILED;
        };
    String description = e.getStatus().getDescription();
    return new CliFailure(
        exit,
        what
            + ": "
            + (description == null ? e.getStatus().getCode().name() : description)
            + " ("
            + e.getStatus().getCode()
            + ")\n  What to do: "
            + exit.meaning());
  }
}
