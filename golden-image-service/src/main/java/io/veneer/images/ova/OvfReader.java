package io.veneer.images.ova;

import static io.veneer.images.ova.OvfDescriptor.OVF_1;
import static io.veneer.images.ova.OvfDescriptor.OVF_2;
import static io.veneer.images.ova.OvfDescriptor.VMW;

import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.ova.OvfDescriptor.ResourceType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads an untrusted OVF 1.x or 2.x descriptor into what a golden image is, refusing with a reason
 * what Veneer cannot take or honour. The parser takes no DOCTYPE at all (so no external entities,
 * no entity expansion bombs), loads nothing from outside, and sees at most {@link
 * #MAX_DESCRIPTOR_BYTES}; a disk may be referenced only as a plain file name inside the archive.
 */
final class OvfReader {

  /** Real descriptors are a few KiB; this leaves room for long annotations and vendor sections. */
  static final int MAX_DESCRIPTOR_BYTES = 1 << 20;

  private static final String VBOX = "http://www.virtualbox.org/ovf/machine";
  private static final Pattern PLAIN_FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,99}");
  private static final Pattern BYTE_UNITS =
      Pattern.compile("byte(?:\\s*\\*\\s*2\\^(\\d{1,2}))?", Pattern.CASE_INSENSITIVE);
  private static final Map<String, Integer> LEGACY_UNITS =
      Map.of("KILOBYTES", 10, "MEGABYTES", 20, "GIGABYTES", 30);
  private static final Set<Integer> IGNORED_DEVICES =
      Set.of(
          ResourceType.OTHER,
          ResourceType.IDE_CONTROLLER,
          ResourceType.SCSI_CONTROLLER,
          ResourceType.SATA_CONTROLLER,
          ResourceType.FLOPPY_DRIVE,
          ResourceType.CD_DRIVE,
          ResourceType.DVD_DRIVE,
          ResourceType.SERIAL_PORT,
          ResourceType.USB_CONTROLLER,
          ResourceType.SOUND_CARD);

  private OvfReader() {}

  /** One File of the References section. */
  private record FileReference(String href, long size) {}

  /**
   * Reads a descriptor.
   *
   * @param maxCapacityBytes the largest virtual disk Veneer takes
   * @throws OvaRefusedException with the reason when the descriptor is unsafe, malformed, or asks
   *     for what Veneer cannot honour
   */
  static OvfDescriptor read(byte[] xml, long maxCapacityBytes) {
    if (xml.length > MAX_DESCRIPTOR_BYTES) {
      throw new OvaRefusedException(
          "the OVF descriptor is larger than " + MAX_DESCRIPTOR_BYTES + " bytes");
    }
    Element envelope = parse(xml);
    String ovf = envelope.getNamespaceURI();
    if (!"Envelope".equals(envelope.getLocalName()) || !OVF_2.equals(ovf) && !OVF_1.equals(ovf)) {
      throw new OvaRefusedException(
          "the descriptor is not an OVF 1.x or 2.x Envelope (namespace " + ovf + ")");
    }
    if (!children(envelope, ovf, "VirtualSystemCollection").isEmpty()) {
      throw new OvaRefusedException(
          "the OVA holds a collection of virtual systems: a golden image is one machine");
    }
    List<Element> systems = children(envelope, ovf, "VirtualSystem");
    if (systems.size() != 1) {
      throw new OvaRefusedException(
          "the OVA holds " + systems.size() + " virtual systems: a golden image is exactly one");
    }
    Map<String, FileReference> files = references(envelope, ovf);
    List<Element> disks =
        child(envelope, ovf, "DiskSection").map(s -> children(s, ovf, "Disk")).orElse(List.of());
    if (disks.size() != 1) {
      throw new OvaRefusedException(
          "the OVA has " + disks.size() + " disks: a golden image has exactly one");
    }
    Element disk = disks.getFirst();
    FileReference file = files.get(disk.getAttributeNS(ovf, "fileRef"));
    if (file == null) {
      throw new OvaRefusedException(
          "the disk refers to no file of the References section: an empty disk cannot be a"
              + " golden image");
    }
    long capacity = capacity(disk, ovf);
    if (capacity > maxCapacityBytes) {
      throw new OvaRefusedException(
          "the disk's capacity is "
              + capacity
              + " bytes, more than veneer.images.max-virtual-size ("
              + maxCapacityBytes
              + " bytes)");
    }
    Element system = systems.getFirst();
    return new OvfDescriptor(
        name(system, ovf),
        child(system, ovf, "AnnotationSection")
            .flatMap(s -> child(s, ovf, "Annotation"))
            .map(OvfReader::text)
            .orElse(""),
        child(system, ovf, "OperatingSystemSection")
            .flatMap(s -> child(s, ovf, "Description"))
            .map(OvfReader::text)
            .filter(os -> !os.isBlank())
            .orElse("other"),
        hardware(system, ovf, disk.getAttributeNS(ovf, "diskId")),
        new OvfDescriptor.Disk(file.href(), file.size(), capacity));
  }

  private static Element parse(byte[] xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(new DefaultHandler());
      builder.setEntityResolver(
          (publicId, systemId) -> {
            throw new SAXException("external entities are not read");
          });
      return builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("The JDK's XML parser lacks a safety feature", e);
    } catch (SAXException | IOException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new OvaRefusedException(
          "the OVF descriptor is not well-formed XML without a DOCTYPE (" + why + ")");
    }
  }

  private static Map<String, FileReference> references(Element envelope, String ovf) {
    Map<String, FileReference> files = new HashMap<>();
    for (Element file :
        child(envelope, ovf, "References").map(r -> children(r, ovf, "File")).orElse(List.of())) {
      String href = file.getAttributeNS(ovf, "href");
      if (!PLAIN_FILE_NAME.matcher(href).matches() || href.contains("..")) {
        throw new OvaRefusedException(
            "the descriptor refers to '"
                + abbreviate(href)
                + "': only plain file names inside the archive are read (no paths, URLs or"
                + " '..')");
      }
      String compression = file.getAttributeNS(ovf, "compression");
      if (!compression.isEmpty() && !compression.equals("identity")) {
        throw new OvaRefusedException(
            "'" + href + "' is " + compression + "-compressed: export the OVA without compression");
      }
      if (!file.getAttributeNS(ovf, "chunkSize").isEmpty()) {
        throw new OvaRefusedException(
            "'" + href + "' is split into chunks: export the OVA with whole files");
      }
      String size = file.getAttributeNS(ovf, "size");
      files.put(
          file.getAttributeNS(ovf, "id"),
          new FileReference(href, size.isEmpty() ? -1 : number(size, "the size of " + href)));
    }
    return files;
  }

  private static long capacity(Element disk, String ovf) {
    long amount = number(disk.getAttributeNS(ovf, "capacity"), "the disk's capacity");
    String units = disk.getAttributeNS(ovf, "capacityAllocationUnits");
    int shift = shift(units.isEmpty() ? "byte" : units, "the disk's capacity");
    if (amount < 1 || amount > Long.MAX_VALUE >> shift) {
      throw new OvaRefusedException("the disk's capacity (" + amount + " " + units + ") is absurd");
    }
    return amount << shift;
  }

  private static String name(Element system, String ovf) {
    String name =
        child(system, ovf, "Name").map(OvfReader::text).orElse(system.getAttributeNS(ovf, "id"));
    return name.isBlank() ? "imported" : name.strip();
  }

  /** The one disk, CPUs, memory, NICs, display and firmware; refuses what cannot be honoured. */
  private static HardwareProfile hardware(Element system, String ovf, String diskId) {
    Element section =
        child(system, ovf, "VirtualHardwareSection")
            .orElseThrow(
                () -> new OvaRefusedException("the virtual system has no VirtualHardwareSection"));
    Integer vcpus = null;
    Long memoryMib = null;
    int nics = 0;
    boolean display = false;
    Set<String> unhonoured = new TreeSet<>();
    for (Element item : items(section)) {
      int type = asInt(number(rasd(item, "ResourceType").orElse(""), "a ResourceType"));
      boolean required = !"false".equals(item.getAttributeNS(ovf, "required"));
      switch (type) {
        case ResourceType.PROCESSOR ->
            vcpus = asInt(number(rasd(item, "VirtualQuantity").orElse(""), "the CPU count"));
        case ResourceType.MEMORY -> memoryMib = memoryMib(item);
        case ResourceType.DISK_DRIVE -> {
          String host = rasd(item, "HostResource").orElse("");
          if (!host.equals("ovf:/disk/" + diskId) && !host.equals("/disk/" + diskId)) {
            throw new OvaRefusedException(
                "a disk drive uses '"
                    + abbreviate(host)
                    + "', not the one disk of the DiskSection: a golden image has exactly one"
                    + " disk");
          }
        }
        case ResourceType.ETHERNET_ADAPTER -> nics++;
        case ResourceType.GRAPHICS_CONTROLLER -> display = true;
        default -> {
          if (required && !IGNORED_DEVICES.contains(type)) {
            unhonoured.add("resource type " + type);
          }
        }
      }
    }
    if (!unhonoured.isEmpty()) {
      throw new OvaRefusedException(
          "the virtual hardware requires devices Veneer does not give desktops: "
              + String.join(", ", unhonoured));
    }
    if (nics > 1) {
      throw new OvaRefusedException(
          "the virtual system has " + nics + " network adapters: a desktop has one");
    }
    if (vcpus == null || memoryMib == null) {
      throw new OvaRefusedException(
          "the virtual hardware does not say how many CPUs or how much memory");
    }
    try {
      return new HardwareProfile(
          "q35",
          firmware(system, section),
          vcpus,
          memoryMib,
          "disk",
          "",
          display || isVirtualBoxMachine(system));
    } catch (IllegalArgumentException e) {
      throw new OvaRefusedException("the virtual hardware cannot be honoured: " + e.getMessage());
    }
  }

  private static List<Element> items(Element section) {
    List<Element> items = new ArrayList<>();
    for (Node node = section.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element e && e.getLocalName().endsWith("Item")) {
        items.add(e);
      }
    }
    return items;
  }

  private static long memoryMib(Element item) {
    long quantity = number(rasd(item, "VirtualQuantity").orElse(""), "the memory size");
    int shift = shift(rasd(item, "AllocationUnits").orElse("byte * 2^20"), "the memory size");
    long bytes = quantity > Long.MAX_VALUE >> shift ? Long.MAX_VALUE : quantity << shift;
    return bytes >> 20;
  }

  /**
   * VMware's {@code vmw:Config firmware=efi}, or VirtualBox's {@code <Firmware type="EFI">} in its
   * {@code vbox:Machine}; BIOS otherwise.
   */
  private static String firmware(Element system, Element section) {
    for (Node node = section.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element e
          && VMW.equals(e.getNamespaceURI())
          && "Config".equals(e.getLocalName())
          && "firmware".equals(e.getAttributeNS(VMW, "key"))) {
        return "efi".equalsIgnoreCase(e.getAttributeNS(VMW, "value")) ? "uefi" : "bios";
      }
    }
    for (Element machine : children(system, VBOX, "Machine")) {
      NodeList firmware = machine.getElementsByTagNameNS("*", "Firmware");
      if (firmware.getLength() > 0
          && ((Element) firmware.item(0))
              .getAttribute("type")
              .toUpperCase(Locale.ROOT)
              .startsWith("EFI")) {
        return "uefi";
      }
    }
    return "bios";
  }

  /**
   * Every VirtualBox machine has a display, which VirtualBox describes in its {@code vbox:Machine}
   * rather than as a graphics Item, so its machines are not taken for headless ones.
   */
  private static boolean isVirtualBoxMachine(Element system) {
    return !children(system, VBOX, "Machine").isEmpty();
  }

  /** The power of two of {@code byte * 2^N}, or of the legacy KiloBytes/MegaBytes/GigaBytes. */
  private static int shift(String units, String what) {
    Integer legacy = LEGACY_UNITS.get(units.strip().toUpperCase(Locale.ROOT));
    if (legacy != null) {
      return legacy;
    }
    Matcher matcher = BYTE_UNITS.matcher(units.strip());
    if (!matcher.matches() || matcher.group(1) != null && Integer.parseInt(matcher.group(1)) > 60) {
      throw new OvaRefusedException(
          "the units of " + what + " are '" + abbreviate(units) + "', not bytes ('byte * 2^N')");
    }
    return matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1));
  }

  private static long number(String text, String what) {
    try {
      long value = Long.parseLong(text.strip());
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new OvaRefusedException(
          what + " is '" + abbreviate(text) + "', not a whole number (properties are not read)");
    }
  }

  /** Saturated, so that 2^32 + 2 CPUs is refused as too many rather than read as 2. */
  private static int asInt(long value) {
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  /** A RASD-style child of an item, in whatever CIM namespace the descriptor uses. */
  private static Optional<String> rasd(Element item, String localName) {
    for (Node node = item.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element e && localName.equals(e.getLocalName())) {
        return Optional.of(text(e));
      }
    }
    return Optional.empty();
  }

  private static Optional<Element> child(Element parent, String ns, String localName) {
    return children(parent, ns, localName).stream().findFirst();
  }

  private static List<Element> children(Element parent, String ns, String localName) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element e
          && ns.equals(e.getNamespaceURI())
          && localName.equals(e.getLocalName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element element) {
    return element.getTextContent().strip();
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
