package io.veneer.images.inspection;

import io.veneer.images.inspection.Inspection.Rejected;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides an image's format from its own bytes, so qemu-img is never left to guess, and turns away
 * what must never reach qemu-img: images that name other files (backing files, external data files,
 * VMDK extents and descriptors, differencing VHD/VDI), formats Veneer does not take, and bytes that
 * are no disk image at all. Reads only the upload itself.
 */
public final class FormatDetector {

  private static final int SECTOR = 512;
  private static final Pattern EXTENT =
      Pattern.compile(
          "^\\s*(RW|RDONLY|NOACCESS)\\s+\\d+\\s+(\\w+)(?:\\s+\"([^\"]*)\")?", Pattern.MULTILINE);

  /** The format, or why the file must be rejected before any tool opens it. */
  public sealed interface Detection {
    record Detected(DiskFormat format) implements Detection {}

    record Refused(Rejected rejection) implements Detection {}
  }

  public Detection detect(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size == 0) {
        return refuse("the file is empty: upload the whole image");
      }
      ByteBuffer head = read(channel, 0, (int) Math.min(size, 64 * 1024));
      if (startsWith(head, 0, "LUKS\u00ba\u00be")) {
        return refuse(ENCRYPTED);
      }
      if (startsWith(head, 0, "QFI\u00fb")) {
        return qcow2(channel, head);
      }
      if (startsWith(head, 0, "vhdxfile")) {
        return new Detection.Detected(DiskFormat.VHDX);
      }
      if (startsWith(head, 0, "KDMV")) {
        return vmdk(channel, head);
      }
      if (startsWith(head, 0, "# Disk DescriptorFile")) {
        return refuse(
            "this is a VMDK descriptor, which only points at other files: upload a single-file"
                + " (monolithicSparse or streamOptimized) VMDK instead, e.g. with qemu-img convert"
                + " -O vmdk");
      }
      if (head.limit() >= 68 && head.order(ByteOrder.LITTLE_ENDIAN).getInt(64) == 0xbeda107f) {
        return vdi(head);
      }
      if (startsWith(head, 0, "WithoutFreeSpace") || startsWith(head, 0, "WithouFreSpacExt")) {
        return new Detection.Detected(DiskFormat.PARALLELS);
      }
      if (startsWith(head, 0, "conectix")) {
        return vhd(head, 0);
      }
      if (size >= SECTOR) {
        ByteBuffer footer = read(channel, size - SECTOR, SECTOR);
        if (startsWith(footer, 0, "conectix")) {
          return vhd(footer, 0);
        }
      }
      String other = otherFormat(head);
      if (other != null) {
        return refuse(
            "this is a "
                + other
                + " image, which Veneer does not import: convert it to"
                + " qcow2, VHD(X), VMDK, VDI or raw first");
      }
      return raw(channel, head, size);
    }
  }

  private static Detection qcow2(FileChannel channel, ByteBuffer head) throws IOException {
    if (head.limit() < 72) {
      return refuse("the qcow2 header is truncated: the upload is incomplete");
    }
    head.order(ByteOrder.BIG_ENDIAN);
    long backingOffset = head.getLong(8);
    int backingSize = head.getInt(16);
    if (backingOffset != 0) {
      String name = "";
      if (backingSize > 0 && backingSize <= 1023) {
        name = StandardCharsets.UTF_8.decode(read(channel, backingOffset, backingSize)).toString();
      }
      return refuse(
          "the qcow2 image names a backing file"
              + (name.isEmpty() ? "" : " (" + name + ")")
              + ": golden images must be self-contained; flatten it with qemu-img convert -O"
              + " qcow2 first");
    }
    // crypt_method: 1 AES, 2 LUKS; either needs a key qemu-img would be asked for.
    if (head.getInt(32) != 0) {
      return refuse(ENCRYPTED);
    }
    long size = channel.size();
    int clusterBits = head.getInt(20);
    long l1Table = head.getLong(40);
    long refcountTable = head.getLong(48);
    if (clusterBits < 9 || clusterBits > 21 || l1Table >= size || refcountTable >= size) {
      return refuse(
          "the qcow2 image's tables lie beyond the end of the file: the upload is truncated or"
              + " the image is corrupt");
    }
    int version = head.getInt(4);
    if (version >= 3 && head.limit() >= 80 && (head.getLong(72) & 0b100) != 0) {
      return refuse(
          "the qcow2 image keeps its data in an external data file: golden images must be"
              + " self-contained; convert it with qemu-img convert -O qcow2 first");
    }
    return new Detection.Detected(DiskFormat.QCOW2);
  }

  private static Detection vmdk(FileChannel channel, ByteBuffer head) throws IOException {
    if (head.limit() < 44) {
      return refuse("the VMDK header is truncated: the upload is incomplete");
    }
    head.order(ByteOrder.LITTLE_ENDIAN);
    long descriptorSector = head.getLong(28);
    long descriptorSectors = head.getLong(36);
    // Single-file VMDKs carry their descriptor; without one qemu-img would look for other files.
    if (descriptorSector <= 0 || descriptorSectors <= 0) {
      return refuse(
          "the VMDK has no embedded descriptor (offset "
              + descriptorSector
              + ", size "
              + descriptorSectors
              + " sectors): upload a single-file (monolithicSparse or streamOptimized) VMDK");
    }
    if (descriptorSectors > MAX_DESCRIPTOR_SECTORS) {
      return refuse(
          "the VMDK's descriptor is "
              + descriptorSectors
              + " sectors, more than the "
              + MAX_DESCRIPTOR_SECTORS
              + " a single-file VMDK needs: the file is corrupt or crafted");
    }
    if ((descriptorSector + descriptorSectors) * SECTOR > channel.size()) {
      return refuse(
          "the VMDK descriptor lies beyond the end of the file: the upload is incomplete");
    }
    String descriptor =
        StandardCharsets.ISO_8859_1
            .decode(read(channel, descriptorSector * SECTOR, (int) descriptorSectors * SECTOR))
            .toString();
    if (descriptor.contains("parentFileNameHint")) {
      return refuse("the VMDK is a delta of a parent disk: upload a flattened, single-file VMDK");
    }
    Matcher extents = EXTENT.matcher(descriptor);
    int count = 0;
    while (extents.find()) {
      count++;
      String type = extents.group(2);
      if (!type.equals("SPARSE") && !type.equals("ZERO")) {
        return refuse(
            "the VMDK has a "
                + type
                + " extent that names another file ("
                + extents.group(3)
                + "): upload a single-file VMDK");
      }
    }
    if (count > 1) {
      return refuse("the VMDK spans " + count + " extent files: upload a single-file VMDK");
    }
    return new Detection.Detected(DiskFormat.VMDK);
  }

  private static Detection vdi(ByteBuffer head) {
    head.order(ByteOrder.LITTLE_ENDIAN);
    if (head.limit() >= 80 && head.getInt(76) == 4) {
      return refuse("the VDI is a differencing image of a parent disk: upload a flattened VDI");
    }
    return new Detection.Detected(DiskFormat.VDI);
  }

  private static Detection vhd(ByteBuffer footer, int at) {
    if (footer.limit() >= at + 64 && footer.order(ByteOrder.BIG_ENDIAN).getInt(at + 60) == 4) {
      return refuse("the VHD is a differencing disk of a parent: upload a flattened VHD");
    }
    return new Detection.Detected(DiskFormat.VPC);
  }

  private static Detection raw(FileChannel channel, ByteBuffer head, long size) throws IOException {
    if (size % SECTOR != 0) {
      return refuse(
          "the file is neither a known disk image format nor a raw disk (its size, "
              + size
              + " bytes, is not a whole number of 512-byte sectors)");
    }
    boolean partitionTable =
        head.limit() >= SECTOR && (head.get(510) & 0xff) == 0x55 && (head.get(511) & 0xff) == 0xaa;
    boolean gpt = head.limit() >= 520 && startsWith(head, 512, "EFI PART");
    boolean extFileSystem =
        head.limit() >= 1082
            && head.order(ByteOrder.LITTLE_ENDIAN).getShort(1080) == (short) 0xEF53;
    boolean xfs = startsWith(head, 0, "XFSB");
    boolean iso = size > 32774 && startsWith(read(channel, 32769, 5), 0, "CD001");
    if (!(partitionTable || gpt || extFileSystem || xfs || iso)) {
      return refuse(
          "the file is not a disk image: no known format header, partition table or file system"
              + " was found");
    }
    return new Detection.Detected(DiskFormat.RAW);
  }

  private static String otherFormat(ByteBuffer head) {
    if (startsWith(head, 0, "QEF\0")) {
      return "QED";
    }
    if (startsWith(head, 0, "COWD")) {
      return "VMware COWD";
    }
    if (startsWith(head, 0, "Bochs Virtual HD Image")) {
      return "Bochs";
    }
    if (startsWith(head, 0, "#!/bin/sh")) {
      return "cloop";
    }
    return null;
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        break;
      }
    }
    return buffer.flip();
  }

  private static boolean startsWith(ByteBuffer buffer, int offset, String magic) {
    byte[] bytes = magic.getBytes(StandardCharsets.ISO_8859_1);
    if (buffer.limit() < offset + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (buffer.get(offset + i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  private static final String ENCRYPTED =
      "encrypted images are not supported: upload the image decrypted";
  private static final long MAX_DESCRIPTOR_SECTORS = 64;

  private static Detection refuse(String reason) {
    return new Detection.Refused(new Rejected(reason));
  }
}
