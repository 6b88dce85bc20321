package io.veneer.localstack.api;

/**
 * A golden image version agents can fetch.
 *
 * @param versionId the version's id, which pools name to have it looked up (with its kernel)
 * @param number the version's number within its image
 * @param digest {@code sha256:<hex>} of the qcow2 blob agents fetch
 */
public record PublishedImage(
    String imageName, String versionId, int number, String digest, long sizeBytes) {}
