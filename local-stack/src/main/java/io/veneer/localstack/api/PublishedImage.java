package io.veneer.localstack.api;

/**
 * A golden image version agents can fetch.
 *
 * @param number the version's number within its image (what pools name as golden version)
 * @param digest {@code sha256:<hex>} of the qcow2 blob agents fetch
 */
public record PublishedImage(String imageName, int number, String digest, long sizeBytes) {}
