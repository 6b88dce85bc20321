package io.veneer.controlplane.api.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.veneer.controlplane.common.DatabaseOutage;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.desktops.GoldenUpdateRefusedException;
import io.veneer.controlplane.desktops.IllegalTransitionException;
import io.veneer.controlplane.hosts.HostStateConflictException;
import io.veneer.controlplane.idempotency.IdempotencyKeyReusedException;
import io.veneer.controlplane.identity.DirectoryUnavailableException;
import io.veneer.controlplane.images.GoldenImageServiceUnavailableException;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.quotas.QuotaExceededException;
import io.veneer.controlplane.security.ForbiddenException;
import io.veneer.controlplane.userdata.UserDataDiskBusyException;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Every failure of the gRPC API as a status code with google.rpc details, in one place (REST's twin
 * is {@code ProblemAdvice}). Anything unforeseen is INTERNAL with an id to find it in the log,
 * never UNKNOWN.
 */
final class ApiFailures {

  static final String DOMAIN = "veneer.io";

  private static final Logger log = LoggerFactory.getLogger(ApiFailures.class);

  private ApiFailures() {}

  /** One wrong field of a request, named by its path in the request message. */
  record FieldProblem(String field, String description) {}

  static StatusRuntimeException toStatus(Throwable failure) {
    if (!(failure instanceof StatusRuntimeException) && DatabaseOutage.causedBy(failure)) {
      return databaseOutage();
    }
    return switch (failure) {
      case StatusRuntimeException already -> already;
      case NotFoundException e -> status(Code.NOT_FOUND, e.getMessage());
      case ForbiddenException e -> status(Code.PERMISSION_DENIED, e.getMessage());
      case IllegalTransitionException e -> illegalTransition(e);
      case IdempotencyKeyReusedException e ->
          invalid(List.of(new FieldProblem("idempotency_key", e.getMessage())));
      case PoolExhaustedException e -> status(Code.RESOURCE_EXHAUSTED, e.getMessage());
      case UserDataDiskBusyException e -> status(Code.UNAVAILABLE, e.getMessage());
      case HostStateConflictException e -> hostState(e);
      case QuotaExceededException e -> quotaExceeded(e);
      case GoldenUpdateRefusedException e -> goldenUpdateRefused(e);
      case GoldenImageServiceUnavailableException e -> status(Code.UNAVAILABLE, e.getMessage());
      case DirectoryUnavailableException e -> status(Code.UNAVAILABLE, e.getMessage());
      case IllegalArgumentException e -> status(Code.INVALID_ARGUMENT, e.getMessage());
      case DuplicateKeyException e ->
          status(Code.ALREADY_EXISTS, "Something with the same name already exists");
      case DataIntegrityViolationException e ->
          status(Code.FAILED_PRECONDITION, "The request conflicts with the stored data");
      case ConcurrencyFailureException e ->
          status(Code.ABORTED, "Changed concurrently by another request; try again");
      case TransientDataAccessException e ->
          status(Code.UNAVAILABLE, "The database is not answering right now; try again");
      default -> internal(failure);
    };
  }

  /** INVALID_ARGUMENT naming one field, with a google.rpc.BadRequest detail. */
  static StatusRuntimeException invalid(String field, String description) {
    return invalid(List.of(new FieldProblem(field, description)));
  }

  /** INVALID_ARGUMENT naming every wrong field, with a google.rpc.BadRequest detail. */
  static StatusRuntimeException invalid(List<FieldProblem> problems) {
    BadRequest.Builder details = BadRequest.newBuilder();
    problems.forEach(
        p ->
            details.addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField(p.field())
                    .setDescription(p.description())));
    String message =
        "Invalid request: "
            + problems.stream()
                .map(p -> p.field() + " " + p.description())
                .collect(Collectors.joining("; "));
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(message)
            .addDetails(Any.pack(details.build()))
            .build());
  }

  /** UNAVAILABLE with a google.rpc.RetryInfo detail: REST's 503 with Retry-After. */
  private static StatusRuntimeException databaseOutage() {
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(DatabaseOutage.RETRY_AFTER.toSeconds()))
            .build();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage(DatabaseOutage.DETAIL)
            .addDetails(Any.pack(retry))
            .build());
  }

  private static StatusRuntimeException illegalTransition(IllegalTransitionException e) {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setReason("ILLEGAL_TRANSITION")
            .setDomain(DOMAIN)
            .putMetadata("desktopId", e.desktopId().toString())
            .putMetadata("currentState", e.current().name())
            .putMetadata("requestedState", e.requested().name())
            .build();
    return failedPrecondition(e.getMessage(), info);
  }

  private static StatusRuntimeException hostState(HostStateConflictException e) {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setReason("HOST_STATE_CONFLICT")
            .setDomain(DOMAIN)
            .putMetadata("hostId", e.hostId())
            .putMetadata("currentState", e.current().name())
            .putMetadata("requestedState", e.requested().name())
            .build();
    return failedPrecondition(e.getMessage(), info);
  }

  private static StatusRuntimeException quotaExceeded(QuotaExceededException e) {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setReason("QUOTA_EXCEEDED")
            .setDomain(DOMAIN)
            .putMetadata("quota", e.holder().kind().key() + "/" + e.holder().name())
            .putMetadata("measure", e.measure())
            .putMetadata("limit", Long.toString(e.limit()))
            .putMetadata("usage", Long.toString(e.usage()))
            .putMetadata("requested", Long.toString(e.requested()))
            .build();
    return failedPrecondition(e.getMessage(), info);
  }

  private static StatusRuntimeException goldenUpdateRefused(GoldenUpdateRefusedException e) {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setReason("GOLDEN_UPDATE_REFUSED")
            .setDomain(DOMAIN)
            .putMetadata("desktopId", e.desktopId().toString())
            .putMetadata("refusal", e.reason().name())
            .build();
    return failedPrecondition(e.getMessage(), info);
  }

  /** FAILED_PRECONDITION with the ErrorInfo that names what stood in the way. */
  private static StatusRuntimeException failedPrecondition(String message, ErrorInfo info) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.FAILED_PRECONDITION_VALUE)
            .setMessage(message)
            .addDetails(Any.pack(info))
            .build());
  }

  private static StatusRuntimeException internal(Throwable failure) {
    String errorId = UUID.randomUUID().toString();
    log.error("event=api-call-failed error_id={}", errorId, failure);
    return status(
        Code.INTERNAL,
        "The control plane failed to answer; its log has the details under error id " + errorId);
  }

  private static StatusRuntimeException status(Code code, String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).build());
  }
}
