package io.veneer.portal.web;

/** The portal itself refuses a request, with words that say what to do instead. */
public final class PortalRefusal extends RuntimeException {

  private final int status;
  private final String title;

  public PortalRefusal(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
