package io.veneer.images.inspection;

import java.util.Arrays;
import java.util.Locale;

/** Disk image formats Veneer imports, with qemu-img's name for each. */
public enum DiskFormat {
  RAW("raw", "img"),
  QCOW2("qcow2", "qcow2"),
  VPC("vpc", "vhd"),
  VHDX("vhdx", "vhdx"),
  VMDK("vmdk", "vmdk"),
  VDI("vdi", "vdi"),
  PARALLELS("parallels", "hds");

  private final String qemuName;
  private final String extension;

  DiskFormat(String qemuName, String extension) {
    this.qemuName = qemuName;
    this.extension = extension;
  }

  public String qemuName() {
    return qemuName;
  }

  public String extension() {
    return extension;
  }

  /** A format a version can be exported to, by qemu-img's name or the file extension. */
  public static DiskFormat exportFormat(String name) {
    String wanted = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (wanted.equals("vhd")) {
      return VPC;
    }
    return Arrays.stream(values())
        .filter(f -> f.qemuName.equals(wanted) || f.extension.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Cannot export to '"
                        + name
                        + "': choose one of vhd, vhdx, vmdk, vdi, hds, raw, qcow2 or ova"));
  }
}
