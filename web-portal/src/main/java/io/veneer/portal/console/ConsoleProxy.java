package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlaneViews.Console;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * Relays bytes between an admitted browser socket (noVNC) and the desktop's VNC endpoint, both
 * ways, unchanged: the RFB protocol is noVNC's business and the guest's, not the portal's.
 */
class ConsoleProxy extends BinaryWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(ConsoleProxy.class);
  private static final String SOCKET = Socket.class.getName();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int SEND_BUFFER_LIMIT = 8 * 1024 * 1024;

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws IOException {
    ConsoleTicket ticket = (ConsoleTicket) session.getAttributes().get(ConsoleHandshake.TICKET);
    Console endpoint = ticket.endpoint();
    Socket vnc = new Socket();
    try {
      vnc.connect(
          new InetSocketAddress(endpoint.host(), endpoint.port()),
          (int) CONNECT_TIMEOUT.toMillis());
    } catch (IOException e) {
      vnc.close();
      log.warn(
          "event=console.endpoint-unreachable desktop={} endpoint={}:{} error=\"{}\"",
          ticket.desktopId(),
          endpoint.host(),
          endpoint.port(),
          e.getMessage());
      session.close(CloseStatus.SERVER_ERROR.withReason("The desktop's display cannot be reached"));
      return;
    }
    session.getAttributes().put(SOCKET, vnc);
    var browser =
        new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, SEND_BUFFER_LIMIT);
    Thread.ofVirtual()
        .name("console-" + ticket.desktopId())
        .start(() -> pumpToBrowser(vnc, browser, ticket));
  }

  private static void pumpToBrowser(Socket vnc, WebSocketSession browser, ConsoleTicket ticket) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = vnc.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        browser.sendMessage(new BinaryMessage(ByteBuffer.wrap(buffer.clone(), 0, n), true));
      }
      browser.close(CloseStatus.NORMAL.withReason("The desktop's display closed"));
    } catch (IOException | RuntimeException e) {
      log.debug("event=console.closed desktop={} error=\"{}\"", ticket.desktopId(), e.getMessage());
      closeQuietly(browser);
    }
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message)
      throws IOException {
    Socket vnc = (Socket) session.getAttributes().get(SOCKET);
    if (vnc != null) {
      ByteBuffer payload = message.getPayload();
      byte[] bytes = new byte[payload.remaining()];
      payload.get(bytes);
      vnc.getOutputStream().write(bytes);
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status)
      throws IOException {
    Socket vnc = (Socket) session.getAttributes().remove(SOCKET);
    if (vnc != null) {
      vnc.close();
    }
  }

  private static void closeQuietly(WebSocketSession session) {
    try {
      session.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
