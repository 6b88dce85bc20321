package io.veneer.controlplane.api.grpc;

import java.util.UUID;

/** Reads the identity fields of requests, refusing bad ones with INVALID_ARGUMENT. */
final class RequestFields {

  private RequestFields() {}

  static UUID uuid(String field, String value) {
    if (value.isBlank()) {
      throw ApiFailures.invalid(field, "is required");
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiFailures.invalid(field, "must be a UUID, was '" + value + "'");
    }
  }

  /** An optional UUID field: null when empty. */
  static UUID optionalUuid(String field, String value) {
    return value.isEmpty() ? null : uuid(field, value);
  }

  static String required(String field, String value) {
    if (value.isBlank()) {
      throw ApiFailures.invalid(field, "is required");
    }
    return value;
  }
}
