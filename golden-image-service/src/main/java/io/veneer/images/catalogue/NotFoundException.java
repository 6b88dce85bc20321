package io.veneer.images.catalogue;

/** The named image, version or blob does not exist; answered with 404. */
public class NotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
