package io.veneer.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 blob server on a raw socket, so that a test decides exactly when a response is cut or
 * stalls (the JDK's HttpServer does not cut connections reliably). It serves GET with {@code Range:
 * bytes=N-}, one request per connection, and can demand a bearer token as the golden image service
 * does.
 */
final class BlobServer implements AutoCloseable {

  /** What the server saw of one request. */
  record Request(String path, String range, String authorization, String traceparent) {}

  /** How the server misbehaves on one response. */
  sealed interface Trouble {
    /** Sends the headers and this many body bytes, then closes the connection. */
    record CutAfter(long bytes) implements Trouble {}

    /** Sends the headers and this many body bytes, then goes silent for a while. */
    record StallAfter(long bytes, Duration silence) implements Trouble {}

    /** Reads the request and never answers. */
    record NeverAnswer() implements Trouble {}
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ServerSocket socket;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Queue<Trouble> troubles = new ConcurrentLinkedQueue<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile String token;
  private volatile Trouble always;

  BlobServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("blob-server").start(this::accept);
  }

  /** Base URL, http://127.0.0.1:port. */
  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  int port() {
    return socket.getLocalPort();
  }

  void serve(String path, byte[] bytes) {
    blobs.put(path, bytes);
  }

  /** Answers 401 unless the request carries {@code Authorization: Bearer <token>}. */
  void requireToken(String bearerToken) {
    this.token = bearerToken;
  }

  /** The next response (then the one after, ...) misbehaves this way. */
  void next(Trouble trouble) {
    troubles.add(trouble);
  }

  /** Every response misbehaves this way. */
  void always(Trouble trouble) {
    this.always = trouble;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        open.add(connection);
        Thread.ofVirtual().start(() -> answer(connection));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(Socket connection) {
    try (connection;
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream()) {
      List<String> head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      Map<String, String> headers = new HashMap<>();
      for (String line : head.subList(1, head.size())) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip());
        }
      }
      String path = head.getFirst().split(" ")[1];
      requests.add(
          new Request(
              path,
              headers.get("range"),
              headers.get("authorization"),
              headers.get("traceparent")));
      Trouble trouble = always != null ? always : troubles.poll();
      if (trouble instanceof Trouble.NeverAnswer) {
        closed.await();
        return;
      }
      if (token != null && !("Bearer " + token).equals(headers.get("authorization"))) {
        status(out, "401 Unauthorized", "Content-Length: 0\r\n");
        return;
      }
      byte[] blob = blobs.get(path);
      if (blob == null) {
        status(out, "404 Not Found", "Content-Length: 0\r\n");
        return;
      }
      long from = 0;
      String range = headers.get("range");
      if (range != null) {
        Matcher matcher = RANGE.matcher(range);
        from = matcher.matches() ? Long.parseLong(matcher.group(1)) : 0;
        if (from >= blob.length) {
          status(
              out, "416 Range Not Satisfiable", "Content-Range: bytes */" + blob.length + "\r\n");
          return;
        }
      }
      String lengths =
          "Content-Length: "
              + (blob.length - from)
              + "\r\n"
              + (range == null
                  ? ""
                  : "Content-Range: bytes "
                      + from
                      + "-"
                      + (blob.length - 1)
                      + "/"
                      + blob.length
                      + "\r\n");
      status(out, range == null ? "200 OK" : "206 Partial Content", lengths);
      body(out, blob, (int) from, trouble);
    } catch (IOException e) {
      // The client went away (after a cut or a timeout, as the tests intend).
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(connection);
    }
  }

  private void body(OutputStream out, byte[] blob, int from, Trouble trouble)
      throws IOException, InterruptedException {
    if (trouble instanceof Trouble.CutAfter cut) {
      out.write(blob, from, (int) Math.min(cut.bytes(), blob.length - from));
    } else if (trouble instanceof Trouble.StallAfter stall) {
      int first = (int) Math.min(stall.bytes(), blob.length - from);
      out.write(blob, from, first);
      out.flush();
      if (!closed.await(stall.silence().toMillis(), TimeUnit.MILLISECONDS)) {
        out.write(blob, from + first, blob.length - from - first);
      }
    } else {
      out.write(blob, from, blob.length - from);
    }
    out.flush();
  }

  private static void status(OutputStream out, String status, String headers) throws IOException {
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\n"
                + headers
                + "Content-Type: application/octet-stream\r\n"
                + "Accept-Ranges: bytes\r\n"
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
        if (text.isEmpty()) {
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(b);
      }
    }
    return List.of();
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    socket.close();
    for (Socket connection : open) {
      connection.close();
    }
  }
}
