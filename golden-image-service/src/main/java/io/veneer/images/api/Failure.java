package io.veneer.images.api;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.veneer.images.catalogue.ConflictException;
import io.veneer.images.catalogue.IllegalTransitionException;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.ova.OvaRefusedException;
import io.veneer.images.rootfs.RootfsRefusedException;
import io.veneer.images.upload.ImageRejectedException;
import io.veneer.images.upload.UploadOffsetMismatchException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * What a failure of the images API tells its caller, over REST and over gRPC alike. {@link #of} is
 * the one table of them: each exception the service throws gets its problem+json (status, title,
 * detail, members) and its gRPC status (code, description, an {@code ErrorInfo} where clients read
 * one) in the same row. {@link Problems}, {@code ImageGrpcService} and {@code GrpcServer}'s access
 * check answer only from here, and a row cannot be built without both halves, so no exception is
 * mapped for one protocol and not the other.
 *
 * @param properties extra problem members, in the order they are written
 * @param errorInfo sent as the gRPC status's only detail; null when there is none
 */
public record Failure(
    HttpStatus httpStatus,
    String title,
    String detail,
    SequencedMap<String, Object> properties,
    Status.Code grpcCode,
    String grpcDescription,
    ErrorInfo errorInfo) {

  static final String DOMAIN = "veneer.io";

  private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

  public Failure {
    Objects.requireNonNull(httpStatus, "httpStatus");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(grpcCode, "grpcCode");
    properties = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(properties));
  }

  /** The failure this exception is to a caller, or empty if it is none of the API's answers. */
  public static Optional<Failure> of(RuntimeException failure) {
    return Optional.ofNullable(
        switch (failure) {
          case NotFoundException e ->
              row(HttpStatus.NOT_FOUND, "Not found", Status.Code.NOT_FOUND, e);
          case ConflictException e ->
              row(HttpStatus.CONFLICT, "Conflict", Status.Code.ALREADY_EXISTS, e);
          case IllegalTransitionException e ->
              row(
                      HttpStatus.CONFLICT,
                      "Not allowed in this state",
                      Status.Code.FAILED_PRECONDITION,
                      e)
                  .with("currentState", e.current().name());
          case UploadOffsetMismatchException e ->
              row(HttpStatus.CONFLICT, "Wrong upload offset", Status.Code.FAILED_PRECONDITION, e)
                  .with("versionId", e.versionId().toString())
                  .with("bytesReceived", e.bytesReceived())
                  .withErrorInfo(
                      ErrorInfo.newBuilder()
                          .setReason("UPLOAD_OFFSET_MISMATCH")
                          .setDomain(DOMAIN)
                          .putMetadata("version_id", e.versionId().toString())
                          .putMetadata("bytes_received", String.valueOf(e.bytesReceived()))
                          .build());
          case RootfsRefusedException e ->
              row(
                      HttpStatus.BAD_REQUEST,
                      "Root filesystem refused",
                      Status.Code.INVALID_ARGUMENT,
                      e)
                  .with("versionId", e.versionId().toString())
                  .with("entry", e.refusal().entry())
                  .with("reason", e.refusal().reason().name())
                  .withErrorInfo(
                      ErrorInfo.newBuilder()
                          .setReason("ROOTFS_" + e.refusal().reason().name())
                          .setDomain(DOMAIN)
                          .putMetadata("version_id", e.versionId().toString())
                          .build());
          case ImageRejectedException e ->
              row(
                      HttpStatus.UNPROCESSABLE_CONTENT,
                      "Image rejected",
                      Status.Code.INVALID_ARGUMENT,
                      e)
                  .with("versionId", e.versionId().toString())
                  .describedOverGrpcAs(
                      "Image rejected: " + e.getMessage() + " (version " + e.versionId() + ")");
          case OvaRefusedException e ->
              row(HttpStatus.UNPROCESSABLE_CONTENT, "OVA refused", Status.Code.INVALID_ARGUMENT, e)
                  .withErrorInfo(
                      ErrorInfo.newBuilder()
                          .setReason("OVA_REFUSED")
                          .setDomain(DOMAIN)
                          .putMetadata("problem", e.getMessage())
                          .build());
          case IllegalArgumentException e ->
              row(HttpStatus.BAD_REQUEST, "Bad request", Status.Code.INVALID_ARGUMENT, e);
          case UnauthorizedException e ->
              row(HttpStatus.UNAUTHORIZED, "Unauthorized", Status.Code.UNAUTHENTICATED, e);
          case ForbiddenException e ->
              row(HttpStatus.FORBIDDEN, "Forbidden", Status.Code.PERMISSION_DENIED, e);
          case IllegalStateException e ->
              serverFault(
                  HttpStatus.INTERNAL_SERVER_ERROR,
                  "Internal error",
                  "The image service failed; its log has the cause under this request's trace id.",
                  Status.Code.INTERNAL,
                  e);
          case UncheckedIOException e ->
              serverFault(
                  HttpStatus.SERVICE_UNAVAILABLE,
                  "Image store unavailable",
                  "The image store could not be read or written; try again later. The image"
                      + " service's log has the cause under this request's trace id.",
                  Status.Code.UNAVAILABLE,
                  e);
          default -> null;
        });
  }

  /** Why a caller is turned away, or empty if it is let in. */
  public static Optional<Failure> of(ApiAccess.Verdict verdict) {
    return ApiAccess.turnedAway(verdict).flatMap(Failure::of);
  }

  /** As application/problem+json. */
  public ProblemDetail problem() {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(httpStatus, detail);
    problem.setTitle(title);
    properties.forEach(problem::setProperty);
    return problem;
  }

  /** As a gRPC status; the google.rpc form only when there is a detail to carry. */
  public StatusRuntimeException status() {
    if (errorInfo == null) {
      return Status.fromCode(grpcCode).withDescription(grpcDescription).asRuntimeException();
    }
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(grpcCode.value())
            .setMessage(grpcDescription)
            .addDetails(Any.pack(errorInfo))
            .build());
  }

  /**
   * A failure of the service, not of the request: the caller is told what to do and nothing of the
   * cause (paths, qemu-img's words), which goes to the log instead.
   */
  private static Failure serverFault(
      HttpStatus httpStatus, String title, String detail, Status.Code grpcCode, Exception e) {
    LOG.error("event=request-failed status={}", httpStatus.value(), e);
    return new Failure(httpStatus, title, detail, new LinkedHashMap<>(), grpcCode, detail, null);
  }

  /** A row whose detail and description are both the exception's message. */
  private static Failure row(
      HttpStatus httpStatus, String title, Status.Code grpcCode, RuntimeException e) {
    return new Failure(
        httpStatus, title, e.getMessage(), new LinkedHashMap<>(), grpcCode, e.getMessage(), null);
  }

  private Failure with(String member, Object value) {
    SequencedMap<String, Object> more = new LinkedHashMap<>(properties);
    more.put(member, value);
    return new Failure(httpStatus, title, detail, more, grpcCode, grpcDescription, errorInfo);
  }

  private Failure describedOverGrpcAs(String description) {
    return new Failure(httpStatus, title, detail, properties, grpcCode, description, errorInfo);
  }

  private Failure withErrorInfo(ErrorInfo info) {
    return new Failure(httpStatus, title, detail, properties, grpcCode, grpcDescription, info);
  }
}
