package io.veneer.controlplane.api.grpc;

import com.google.protobuf.Timestamp;
import io.veneer.api.v1.PageResponse;
import io.veneer.scheduler.cluster.Resources;
import java.time.Instant;

/** Values every API message shares: times, resources, page cursors. */
final class CommonMessages {

  private CommonMessages() {}

  static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  static io.veneer.api.v1.Resources resources(Resources r) {
    return io.veneer.api.v1.Resources.newBuilder()
        .setVcpus(Math.toIntExact(r.vcpus()))
        .setMemoryMib(r.memoryMib())
        .setDiskGib(r.diskGib())
        .build();
  }

  /** The next page's token; empty on the last page. */
  static PageResponse page(String nextCursor) {
    return PageResponse.newBuilder().setNextPageToken(nextCursor == null ? "" : nextCursor).build();
  }
}
