package io.veneer.images.ova;

import io.veneer.images.catalogue.HardwareProfile;

/**
 * What an OVF descriptor says about a Veneer golden image: one virtual system with one disk.
 *
 * @param name the virtual system's id and name
 * @param description the image's description (the virtual system's annotation)
 * @param os the image's OS (the OperatingSystemSection's description)
 * @param hardware the neutral hardware profile
 * @param disk the one disk and the archive file holding it
 */
record OvfDescriptor(
    String name, String description, String os, HardwareProfile hardware, Disk disk) {

  static final String OVF_2 = "http://schemas.dmtf.org/ovf/envelope/2";
  static final String OVF_1 = "http://schemas.dmtf.org/ovf/envelope/1";
  static final String RASD =
      "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
  static final String VSSD =
      "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
  // VMware's extension carries the firmware (no DMTF element does); VirtualBox reads it too.
  static final String VMW = "http://www.vmware.com/schema/ovf";
  static final String STREAM_OPTIMIZED_VMDK =
      "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

  /**
   * @param fileName the archive file (ovf:href), a plain name
   * @param fileSize its size in bytes
   * @param capacityBytes the virtual disk's size
   */
  record Disk(String fileName, long fileSize, long capacityBytes) {}

  /** CIM resource types (DSP1041's ResourceType) a descriptor uses or Veneer reads. */
  static final class ResourceType {
    static final int OTHER = 1;
    static final int PROCESSOR = 3;
    static final int MEMORY = 4;
    static final int IDE_CONTROLLER = 5;
    static final int SCSI_CONTROLLER = 6;
    static final int ETHERNET_ADAPTER = 10;
    static final int FLOPPY_DRIVE = 14;
    static final int CD_DRIVE = 15;
    static final int DVD_DRIVE = 16;
    static final int DISK_DRIVE = 17;
    static final int SATA_CONTROLLER = 20;
    static final int SERIAL_PORT = 21;
    static final int USB_CONTROLLER = 23;
    static final int GRAPHICS_CONTROLLER = 24;
    static final int SOUND_CARD = 35;

    private ResourceType() {}
  }
}
