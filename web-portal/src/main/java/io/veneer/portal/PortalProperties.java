package io.veneer.portal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the portal's backends are and how its console behaves ({@code veneer.portal.*}).
 *
 * @param controlPlaneUrl base URL of the control plane (its REST API is under /api/v1)
 * @param imageServiceUrl base URL of the golden image service
 * @param backendTimeout longest wait for one backend answer (image chunks get it per chunk)
 * @param allowedOrigins origins (besides the portal's own) whose pages may open console sockets
 * @param consoleCaFile PEM certificates of the CA that signed the agents' console listeners'
 *     certificates, which the console proxy verifies them with; none: the JVM's trust store
 */
@ConfigurationProperties("veneer.portal")
public record PortalProperties(
    @DefaultValue("http://127.0.0.1:8080") URI controlPlaneUrl,
    @DefaultValue("http://127.0.0.1:8081") URI imageServiceUrl,
    @DefaultValue("30s") Duration backendTimeout,
    @DefaultValue List<String> allowedOrigins,
    Path consoleCaFile) {}
