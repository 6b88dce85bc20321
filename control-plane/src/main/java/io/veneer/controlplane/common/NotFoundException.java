package io.veneer.controlplane.common;

/** The named resource does not exist, or the caller may not know that it does. */
public class NotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotFoundException(String kind, Object id) {
    super(kind + " " + id + " does not exist");
  }
}
