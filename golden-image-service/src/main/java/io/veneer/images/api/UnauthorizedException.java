package io.veneer.images.api;

/** The caller did not present a valid credential; answered with 401. */
class UnauthorizedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UnauthorizedException(String message) {
    super(message);
  }
}
