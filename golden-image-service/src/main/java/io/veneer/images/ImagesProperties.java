package io.veneer.images;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the golden image service ({@code veneer.images.*}).
 *
 * @param storageDirectory where blobs and upload temp files live (default {@code .veneer/images})
 * @param maxVirtualSize images whose virtual disk is larger are rejected (default 256GB)
 * @param qemuImg the qemu-img binary (default {@code qemu-img} on the PATH)
 * @param inspectionCpuSeconds CPU seconds one qemu-img run may use (default 30)
 * @param inspectionAddressSpace address space one qemu-img run may map (default 2GB)
 * @param inspectionTimeout wall-clock limit of one qemu-img inspection (default 60s)
 * @param conversionTimeout wall-clock limit of one conversion (default 2h: multi-GiB images)
 * @param agentToken bearer token node agents present to fetch blobs; without one, blobs are served
 *     to nobody
 * @param grpcPort port of the gRPC ImageService, on all interfaces (default 9091; 0 picks a free
 *     one; -1 turns gRPC off)
 * @param importAllowList URL prefixes (scheme://host[:port]/) imports may fetch from; empty (the
 *     default) allows none, so the service cannot be turned against internal hosts
 * @param apiToken bearer token automation presents to the images API (REST and gRPC); required
 *     unless {@code localDevMode} or {@code oidcIssuerUri} is set
 * @param oidcIssuerUri OIDC issuer (a Keycloak realm URL) whose access tokens are accepted from
 *     people: the {@code admin} realm role may use the whole API; blank = no tokens
 * @param oidcJwkSetUri where the issuer's signing keys are; blank = found through the issuer's
 *     discovery document
 * @param grpcAddress the address the gRPC ImageService listens on (default all interfaces)
 * @param localDevMode leaves the images API open to anyone who can reach it (default false): for
 *     development on one machine only. Blobs still require the agent token.
 * @param qemuImgSlots how many qemu-img runs may go at once (default 2); others wait, within their
 *     own time limit
 * @param qemuImgMaxProcesses processes and threads (prlimit nproc) of the service's user while a
 *     qemu-img runs (default 512): bounds a fork bomb, not qemu-img's own worker threads
 * @param qemuImgMaxOpenFiles open files of one qemu-img run (default 64)
 * @param maxUploadSize uploads and URL imports larger than this are rejected (default 300GB)
 * @param importReadTimeout a URL import whose source sends nothing for this long is rejected
 *     (default 30s)
 * @param oidcAudience the audience ({@code aud}) people's access tokens must name (default {@code
 *     veneer-api}): a token the issuer made for another application is refused
 */
@ConfigurationProperties("veneer.images")
public record ImagesProperties(
    @DefaultValue(".veneer/images") Path storageDirectory,
    @DefaultValue("256GB") DataSize maxVirtualSize,
    @DefaultValue("qemu-img") String qemuImg,
    @DefaultValue("30") int inspectionCpuSeconds,
    @DefaultValue("2GB") DataSize inspectionAddressSpace,
    @DefaultValue("60s") Duration inspectionTimeout,
    @DefaultValue("2h") Duration conversionTimeout,
    String agentToken,
    @DefaultValue("9091") int grpcPort,
    @DefaultValue List<String> importAllowList,
    String apiToken,
    @DefaultValue("false") boolean localDevMode,
    @DefaultValue("") String oidcIssuerUri,
    @DefaultValue("") String oidcJwkSetUri,
    @DefaultValue("0.0.0.0") String grpcAddress,
    @DefaultValue("2") int qemuImgSlots,
    @DefaultValue("512") int qemuImgMaxProcesses,
    @DefaultValue("64") int qemuImgMaxOpenFiles,
    @DefaultValue("300GB") DataSize maxUploadSize,
    @DefaultValue("30s") Duration importReadTimeout,
    @DefaultValue("veneer-api") String oidcAudience) {

  public ImagesProperties {
    if (inspectionCpuSeconds < 1) {
      throw new IllegalArgumentException("veneer.images.inspection-cpu-seconds must be at least 1");
    }
    if (!localDevMode && (apiToken == null || apiToken.isBlank()) && oidcIssuerUri.isBlank()) {
      throw new IllegalArgumentException(
          "Set veneer.images.api-token (callers of the images API present it as a bearer token)"
              + " and/or veneer.images.oidc-issuer-uri (people present their access tokens), or"
              + " veneer.images.local-dev-mode=true to leave the API open on a development"
              + " machine");
    }
    if (qemuImgSlots < 1 || qemuImgMaxProcesses < 1 || qemuImgMaxOpenFiles < 16) {
      throw new IllegalArgumentException(
          "veneer.images.qemu-img-slots and qemu-img-max-processes must be at least 1,"
              + " qemu-img-max-open-files at least 16");
    }
    if (maxUploadSize.toBytes() <= 0
        || importReadTimeout.isNegative()
        || importReadTimeout.isZero()) {
      throw new IllegalArgumentException(
          "veneer.images.max-upload-size and import-read-timeout must be positive");
    }
    if (maxVirtualSize.toBytes() <= 0) {
      throw new IllegalArgumentException("veneer.images.max-virtual-size must be positive");
    }
  }
}
