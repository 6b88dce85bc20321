package io.veneer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veneer.client.images.api.ImagesApi;
import io.veneer.client.images.model.VersionView;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Sends a file to a resumable upload of the image service in pieces ({@code PATCH .../content} at
 * {@code Upload-Offset}), with a progress bar. When the connection drops, it asks the service how
 * much it has ({@code bytesReceived}) and goes on from there, a few times, waiting longer each
 * time; a new run with {@code --resume VERSION} goes on the same way.
 */
final class ResumableUpload {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Session session;
  private final ImagesApi images;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final int chunkBytes;
  private final int retries;

  ResumableUpload(Session session, int chunkBytes, int retries) {
    this.session = session;
    this.images = new ImagesApi(session.imagesClient());
    this.chunkBytes = chunkBytes;
    this.retries = retries;
  }

  /** Sends what the service lacks of {@code file}; answers the version, not yet completed. */
  VersionView send(UUID image, UUID version, Path file, ProgressBar progress)
      throws IOException, InterruptedException {
    long size = Files.size(file);
    long offset = received(image, version);
    int failures = 0;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      while (offset < size) {
        progress.update(offset);
        byte[] piece = new byte[(int) Math.min(chunkBytes, size - offset)];
        in.seek(offset);
        in.readFully(piece);
        try {
          offset = append(image, version, offset, piece);
          failures = 0;
        } catch (IOException dropped) {
          if (++failures > retries) {
            throw new CliFailure(
                ExitCode.UNAVAILABLE,
                "The upload broke off "
                    + failures
                    + " times in a row ("
                    + dropped
                    + ").\n  What to do: run the same command with --resume "
                    + version);
          }
          Thread.sleep(Duration.ofMillis(500L << Math.min(failures, 5)));
          offset = received(image, version);
          progress.note("Connection dropped (" + dropped + "); resuming at byte " + offset);
        }
      }
    }
    progress.update(size);
    progress.finish();
    return ApiCalls.call("Reading version " + version, () -> images.getVersion(image, version));
  }

  private long received(UUID image, UUID version) {
    return ApiCalls.call("Reading version " + version, () -> images.getVersion(image, version))
        .getBytesReceived();
  }

  /** One piece; answers the new offset. A 409 says where the service is: go on from there. */
  private long append(UUID image, UUID version, long offset, byte[] piece)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            session
                .imagesRequest("/api/v1/images/" + image + "/versions/" + version + "/content")
                .header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(piece))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 200) {
      return JSON.readTree(answer.body()).path("bytesReceived").asLong();
    }
    if (answer.statusCode() == 409) {
      var problem = JSON.readTree(answer.body());
      if (problem.has("bytesReceived")) {
        return problem.path("bytesReceived").asLong();
      }
    }
    throw ApiCalls.failure("Uploading", answer.statusCode(), answer.body(), null);
  }
}
