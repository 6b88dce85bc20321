package io.veneer.rootfs;

/** Carries a refusal from deep in an unpacking run to {@link RootfsUnpacker}, which returns it. */
final class RefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Refusal refusal;

  RefusedException(Refusal.Reason reason, String entry, String detail) {
    super(detail, null, false, false);
    this.refusal = new Refusal(reason, entry, detail);
  }

  Refusal refusal() {
    return refusal;
  }
}
