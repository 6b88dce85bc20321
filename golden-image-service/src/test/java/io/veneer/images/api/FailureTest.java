package io.veneer.images.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.veneer.images.catalogue.ConflictException;
import io.veneer.images.catalogue.IllegalTransitionException;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.catalogue.VersionState;
import io.veneer.images.ova.OvaRefusedException;
import io.veneer.images.rootfs.RootfsRefusedException;
import io.veneer.images.upload.ImageRejectedException;
import io.veneer.images.upload.UploadOffsetMismatchException;
import io.veneer.rootfs.Refusal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.http.ProblemDetail;

/**
 * One row per failure the images API answers, read the way callers see it: the problem+json REST
 * sends and the gRPC status with its details. Every exception the service defines must have a row.
 */
class FailureTest {

  private static final UUID VERSION = UUID.fromString("0b7e1a52-5d43-4c7b-9a51-3f8e2f6a9c10");

  /** What a caller is told, over both protocols. */
  record Row(
      RuntimeException thrown,
      int httpStatus,
      String title,
      String detail,
      Map<String, Object> members,
      Status.Code grpcCode,
      String grpcDescription,
      ErrorInfo errorInfo) {

    @Override
    public String toString() {
      return thrown.getClass().getSimpleName();
    }
  }

  static List<Row> rows() {
    var offset = new UploadOffsetMismatchException(VERSION, 10, 4);
    var rootfs =
        new RootfsRefusedException(
            VERSION, new Refusal(Refusal.Reason.DEVICE_NODE, "dev/sda", "device node b 8:0"));
    var transition =
        new IllegalTransitionException(VERSION, VersionState.PUBLISHED, VersionState.DELETED);
    return List.of(
        plain(new NotFoundException("No image x"), 404, "Not found", Status.Code.NOT_FOUND),
        plain(new ConflictException("Name taken"), 409, "Conflict", Status.Code.ALREADY_EXISTS),
        new Row(
            transition,
            409,
            "Not allowed in this state",
            transition.getMessage(),
            Map.of("currentState", "PUBLISHED"),
            Status.Code.FAILED_PRECONDITION,
            transition.getMessage(),
            null),
        new Row(
            offset,
            409,
            "Wrong upload offset",
            offset.getMessage(),
            Map.of("versionId", VERSION.toString(), "bytesReceived", 4L),
            Status.Code.FAILED_PRECONDITION,
            offset.getMessage(),
            ErrorInfo.newBuilder()
                .setReason("UPLOAD_OFFSET_MISMATCH")
                .setDomain("veneer.io")
                .putMetadata("version_id", VERSION.toString())
                .putMetadata("bytes_received", "4")
                .build()),
        new Row(
            rootfs,
            400,
            "Root filesystem refused",
            "the root filesystem is refused: entry 'dev/sda' refused: device node b 8:0",
            Map.of("versionId", VERSION.toString(), "entry", "dev/sda", "reason", "DEVICE_NODE"),
            Status.Code.INVALID_ARGUMENT,
            rootfs.getMessage(),
            ErrorInfo.newBuilder()
                .setReason("ROOTFS_DEVICE_NODE")
                .setDomain("veneer.io")
                .putMetadata("version_id", VERSION.toString())
                .build()),
        new Row(
            new ImageRejectedException(VERSION, "a backing file"),
            422,
            "Image rejected",
            "a backing file",
            Map.of("versionId", VERSION.toString()),
            Status.Code.INVALID_ARGUMENT,
            "Image rejected: a backing file (version " + VERSION + ")",
            null),
        new Row(
            new OvaRefusedException("the OVA holds 2 disks"),
            422,
            "OVA refused",
            "the OVA holds 2 disks",
            Map.of(),
            Status.Code.INVALID_ARGUMENT,
            "the OVA holds 2 disks",
            ErrorInfo.newBuilder()
                .setReason("OVA_REFUSED")
                .setDomain("veneer.io")
                .putMetadata("problem", "the OVA holds 2 disks")
                .build()),
        plain(
            new IllegalArgumentException("not a UUID"),
            400,
            "Bad request",
            Status.Code.INVALID_ARGUMENT),
        plain(
            new UnauthorizedException("Present a token"),
            401,
            "Unauthorized",
            Status.Code.UNAUTHENTICATED),
        plain(
            new ForbiddenException("Needs admin"), 403, "Forbidden", Status.Code.PERMISSION_DENIED),
        new Row(
            new IllegalStateException("Export to vmdk failed: /var/lib/veneer/images/x.vmdk"),
            500,
            "Internal error",
            "The image service failed; its log has the cause under this request's trace id.",
            Map.of(),
            Status.Code.INTERNAL,
            "The image service failed; its log has the cause under this request's trace id.",
            null),
        new Row(
            new UncheckedIOException(new IOException("/var/lib/veneer/images: disk full")),
            503,
            "Image store unavailable",
            STORE_UNAVAILABLE,
            Map.of(),
            Status.Code.UNAVAILABLE,
            STORE_UNAVAILABLE,
            null));
  }

  /** Nothing of the cause (here a path) reaches the caller of a failure of the service itself. */
  private static final String STORE_UNAVAILABLE =
      "The image store could not be read or written; try again later. The image service's log has"
          + " the cause under this request's trace id.";

  private static Row plain(RuntimeException e, int http, String title, Status.Code grpc) {
    return new Row(e, http, title, e.getMessage(), Map.of(), grpc, e.getMessage(), null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void answersAsProblemJson(Row row) {
    ProblemDetail problem = Failure.of(row.thrown()).orElseThrow().problem();

    assertThat(problem.getStatus()).isEqualTo(row.httpStatus());
    assertThat(problem.getTitle()).isEqualTo(row.title());
    assertThat(problem.getDetail()).isEqualTo(row.detail());
    assertThat(problem.getProperties() == null ? Map.of() : problem.getProperties())
        .containsExactlyInAnyOrderEntriesOf(row.members());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void answersAsGrpcStatus(Row row) {
    StatusRuntimeException status = Failure.of(row.thrown()).orElseThrow().status();

    assertThat(status.getStatus().getCode()).isEqualTo(row.grpcCode());
    assertThat(status.getStatus().getDescription()).isEqualTo(row.grpcDescription());
    com.google.rpc.Status details = StatusProto.fromThrowable(status);
    if (row.errorInfo() == null) {
      assertThat(status.getTrailers()).as("a plain status, no details").isNull();
    } else {
      assertThat(details.getDetailsList()).containsExactly(Any.pack(row.errorInfo()));
    }
  }

  @Test
  void writesProblemMembersInTheirOrder() {
    ProblemDetail problem =
        Failure.of(new UploadOffsetMismatchException(VERSION, 10, 4)).orElseThrow().problem();

    assertThat(problem.getProperties())
        .containsExactly(entry("versionId", VERSION.toString()), entry("bytesReceived", 4L));
  }

  @Test
  void everyExceptionTheServiceDefinesHasARow() {
    var scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AssignableTypeFilter(RuntimeException.class));
    Set<String> defined =
        scanner.findCandidateComponents("io.veneer.images").stream()
            .map(bean -> bean.getBeanClassName())
            .collect(Collectors.toSet());
    Set<String> inTheTable =
        rows().stream().map(row -> row.thrown().getClass().getName()).collect(Collectors.toSet());

    assertThat(defined)
        .as("give each new exception a row in Failure.of and in this test")
        .isNotEmpty()
        .isSubsetOf(inTheTable);
  }

  @Test
  void turnsRefusedCallersAwayByTheSameRows() {
    Failure unauthenticated =
        Failure.of(new ApiAccess.Verdict.Unauthenticated("Present a token")).orElseThrow();
    Failure forbidden = Failure.of(new ApiAccess.Verdict.Forbidden("Needs admin")).orElseThrow();

    assertThat(unauthenticated)
        .isEqualTo(Failure.of(new UnauthorizedException("Present a token")).orElseThrow());
    assertThat(forbidden)
        .isEqualTo(Failure.of(new ForbiddenException("Needs admin")).orElseThrow());
    assertThat(Failure.of(new ApiAccess.Verdict.Admitted("api-token"))).isEmpty();
  }

  @Test
  void leavesAnyOtherFailureToTheServer() {
    assertThat(Failure.of(new UnsupportedOperationException("no"))).isEmpty();
  }
}
