package io.veneer.controlplane.images;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the control plane looks up golden image versions ({@code veneer.images.*}).
 *
 * @param grpcTarget host:port of the golden image service's gRPC API; blank = no lookups, so pools
 *     must name their golden digest themselves
 * @param apiToken the golden image service's API token, sent as a bearer token
 * @param timeoutMillis how long one lookup may take (default 5000)
 */
@ConfigurationProperties("veneer.images")
public record GoldenImagesProperties(
    @DefaultValue("") String grpcTarget,
    @DefaultValue("") String apiToken,
    @DefaultValue("5000") long timeoutMillis) {}
