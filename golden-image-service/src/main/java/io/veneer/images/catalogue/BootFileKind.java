package io.veneer.images.catalogue;

/** The files a version may carry besides its disk, for direct kernel boot. */
public enum BootFileKind {
  KERNEL("kernel"),
  INITRD("initrd");

  private final String word;

  BootFileKind(String word) {
    this.word = word;
  }

  /** As it appears in paths and messages. */
  public String word() {
    return word;
  }
}
