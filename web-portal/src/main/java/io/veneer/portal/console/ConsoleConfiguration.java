package io.veneer.portal.console;

import io.veneer.api.tls.PemTls;
import io.veneer.portal.PortalProperties;
import io.veneer.portal.backend.ControlPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;

/**
 * The console socket at {@code /console/ws?desktop=..&ticket=..}. Allowed origins: the portal's own
 * (same scheme, host and port as the request) plus {@code veneer.portal.allowed-origins}; any other
 * Origin is refused with 403 before the ticket is looked at (cross-site WebSocket hijacking), so it
 * is neither redeemed nor burnt at the control plane.
 */
@Configuration
@EnableWebSocket
class ConsoleConfiguration implements WebSocketConfigurer {

  private final PortalProperties properties;
  private final ControlPlane controlPlane;
  private final ConsoleSessions sessions;
  private final ConsoleInputReports inputReports;

  ConsoleConfiguration(
      PortalProperties properties,
      ControlPlane controlPlane,
      ConsoleSessions sessions,
      ConsoleInputReports inputReports) {
    this.inputReports = inputReports;
    this.properties = properties;
    this.controlPlane = controlPlane;
    this.sessions = sessions;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    String[] origins = properties.allowedOrigins().toArray(String[]::new);
    // Spring checks origins after the registration's own interceptors; checking first as well
    // means a foreign page never reaches the ticket, so it cannot burn one either.
    var originFirst = new OriginHandshakeInterceptor();
    originFirst.setAllowedOriginPatterns(List.of(origins));
    registry
        .addHandler(new ConsoleProxy(sessions, agentsTls(), inputReports), "/console/ws")
        .addInterceptors(originFirst, new ConsoleHandshake(controlPlane))
        .setAllowedOriginPatterns(origins);
  }

  /** How the proxy verifies agents' console listeners: the console CA, or the JVM's trust store. */
  private SSLContext agentsTls() {
    Path ca = properties.consoleCaFile();
    try {
      return ca == null ? SSLContext.getDefault() : PemTls.client(ca);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("veneer.portal.console-ca-file: " + e.getMessage(), e);
    }
  }

  /** Room for a browser's clipboard or a burst of input in one message. */
  @Bean
  ServletServerContainerFactoryBean webSocketContainer() {
    var container = new ServletServerContainerFactoryBean();
    container.setMaxBinaryMessageBufferSize(1024 * 1024);
    container.setMaxTextMessageBufferSize(64 * 1024);
    return container;
  }
}
