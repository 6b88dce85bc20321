package io.veneer.images.api;

/** The caller is known but may not do this; answered with 403. */
class ForbiddenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ForbiddenException(String message) {
    super(message);
  }
}
