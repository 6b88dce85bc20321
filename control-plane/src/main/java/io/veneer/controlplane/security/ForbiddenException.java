package io.veneer.controlplane.security;

/** The caller is known but may not do this (HTTP 403, gRPC PERMISSION_DENIED). */
public class ForbiddenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ForbiddenException(String message) {
    super(message);
  }
}
