package io.veneer.images.ova;

/** An OVA that Veneer cannot take or cannot honour; the message says why. Nothing was kept. */
public class OvaRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OvaRefusedException(String reason) {
    super(reason);
  }
}
