package io.veneer.images.catalogue;

/** The request clashes with what exists (e.g. a duplicate name); answered with 409. */
public class ConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
