package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlaneViews.ConsoleAccess;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * Connects an admitted browser socket (noVNC) to the desktop's display: over TLS to the console
 * listener of its host's agent at the host:port the control plane named (the host's own address,
 * not one its agent reported), verifying the host's certificate against {@code
 * veneer.portal.console-ca-file}; presents the grant the control plane signed at redemption; does
 * the RFB security handshake on both sides ({@link RfbSecurity}, None), then relays bytes both ways
 * unchanged, for as long as the portal session that opened it lasts ({@link ConsoleSessions}). It
 * follows the browser's messages ({@link RfbClientMessages}) to report keyboard and pointer input
 * to the control plane ({@link ConsoleInputReports}), which its pool's idle shutdown counts.
 */
class ConsoleProxy extends BinaryWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(ConsoleProxy.class);
  private static final String FROM_BROWSER = BrowserInput.class.getName();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int SEND_BUFFER_LIMIT = 8 * 1024 * 1024;

  private final ConsoleSessions sessions;
  private final SSLContext agents;
  private final ConsoleInputReports inputReports;

  ConsoleProxy(ConsoleSessions sessions, SSLContext agents, ConsoleInputReports inputReports) {
    this.sessions = sessions;
    this.agents = agents;
    this.inputReports = inputReports;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    ConsoleAccess access = (ConsoleAccess) session.getAttributes().get(ConsoleHandshake.ACCESS);
    var fromBrowser = new BrowserInput();
    session.getAttributes().put(FROM_BROWSER, fromBrowser);
    var browser =
        new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, SEND_BUFFER_LIMIT);
    Thread.ofVirtual()
        .name("console-" + access.desktopId())
        .start(() -> relay(access, fromBrowser, browser));
    sessions.watch(session);
  }

  private void relay(ConsoleAccess access, BrowserInput fromBrowser, WebSocketSession ws) {
    var toBrowser = new BrowserOutput(ws);
    try {
      int minor = RfbSecurity.greetBrowser(fromBrowser, toBrowser);
      Display display;
      try {
        display = connect(access);
      } catch (IOException e) {
        log.warn(
            "event=console.endpoint-unreachable desktop={} host={} error=\"{}\"",
            access.desktopId(),
            access.hostId(),
            e.getMessage());
        RfbSecurity.answerBrowser(toBrowser, minor, "The desktop's display cannot be reached");
        ws.close(CloseStatus.SERVER_ERROR.withReason("The desktop's display cannot be reached"));
        return;
      }
      try (display) {
        try {
          RfbSecurity.authenticate(display.in(), display.out());
        } catch (IOException e) {
          log.warn(
              "event=console.display-refused desktop={} error=\"{}\"",
              access.desktopId(),
              e.getMessage());
          RfbSecurity.answerBrowser(
              toBrowser,
              minor,
              "The console could not open the desktop's display: " + e.getMessage());
          ws.close(CloseStatus.SERVER_ERROR.withReason("The desktop's display refused the proxy"));
          return;
        }
        RfbSecurity.answerBrowser(toBrowser, minor, null);
        Thread.ofVirtual()
            .name("console-input-" + access.desktopId())
            .start(() -> pumpToDisplay(fromBrowser, display, access, inputReports));
        display.in().transferTo(toBrowser);
        ws.close(CloseStatus.NORMAL.withReason("The desktop's display closed"));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("event=console.closed desktop={} error=\"{}\"", access.desktopId(), e.getMessage());
      closeQuietly(ws);
    }
  }

  private static void pumpToDisplay(
      BrowserInput fromBrowser, Display display, ConsoleAccess a, ConsoleInputReports reports) {
    var messages = new RfbClientMessages(() -> reports.inputTo(a.desktopId()));
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = fromBrowser.read(buffer, 0, buffer.length)) >= 0; ) {
        display.out().write(buffer, 0, n);
        display.out().flush();
        messages.follow(buffer, 0, n);
      }
    } catch (IOException e) {
      log.debug(
          "event=console.input-closed desktop={} error=\"{}\"", a.desktopId(), e.getMessage());
    } finally {
      reports.closed(a.desktopId());
      if (messages.lost()) {
        log.info("event=console.input-unfollowed desktop={}", a.desktopId());
      }
      closeQuietly(display);
    }
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message)
      throws IOException {
    ByteBuffer payload = message.getPayload();
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    ((BrowserInput) session.getAttributes().get(FROM_BROWSER)).offer(bytes);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    sessions.forget(session);
    BrowserInput fromBrowser = (BrowserInput) session.getAttributes().remove(FROM_BROWSER);
    if (fromBrowser != null) {
      fromBrowser.end();
    }
  }

  /** A connection to the display. */
  private record Display(InputStream in, OutputStream out, Closeable connection)
      implements Closeable {
    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /** The display, through its agent's console listener, which admitted the grant. */
  private Display connect(ConsoleAccess access) throws IOException {
    if (access.host() == null || access.port() <= 0 || access.grant() == null) {
      throw new IOException("the control plane named no console listener");
    }
    var socket = (SSLSocket) agents.getSocketFactory().createSocket();
    try {
      SSLParameters tls = socket.getSSLParameters();
      tls.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name that host
      socket.setSSLParameters(tls);
      socket.connect(
          new InetSocketAddress(access.host(), access.port()), (int) CONNECT_TIMEOUT.toMillis());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write((access.grant() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = line(in);
      if (!answer.equals("OK")) {
        throw new IOException("the host's console listener answered: " + answer);
      }
      socket.setSoTimeout(0);
      return new Display(in, out, socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static String line(InputStream in) throws IOException {
    var line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0 || line.length() > 1024) {
        throw new IOException("the host's console listener closed without an answer");
      }
      line.append((char) b);
    }
    return line.toString();
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** The browser's messages as a stream; a full queue holds the socket's reader back. */
  private static final class BrowserInput extends InputStream {
    private static final byte[] END = new byte[0];
    private final BlockingQueue<byte[]> messages = new ArrayBlockingQueue<>(256);
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    void offer(byte[] message) throws InterruptedIOException {
      try {
        messages.put(message);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted relaying browser input");
      }
    }

    void end() {
      messages.clear();
      messages.offer(END);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (position == current.length) {
        if (ended) {
          return -1;
        }
        try {
          current = messages.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for browser input");
        }
        position = 0;
        ended = current == END;
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(current, position, buffer, offset, n);
      position += n;
      return n;
    }
  }

  /** Each write goes to the browser as one binary message. */
  private static final class BrowserOutput extends OutputStream {
    private final WebSocketSession session;

    BrowserOutput(WebSocketSession session) {
      this.session = session;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length > 0) {
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        session.sendMessage(new BinaryMessage(copy));
      }
    }
  }
}
