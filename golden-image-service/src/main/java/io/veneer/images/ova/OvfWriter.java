package io.veneer.images.ova;

import static io.veneer.images.ova.OvfDescriptor.OVF_2;
import static io.veneer.images.ova.OvfDescriptor.RASD;
import static io.veneer.images.ova.OvfDescriptor.VMW;
import static io.veneer.images.ova.OvfDescriptor.VSSD;

import io.veneer.images.ova.OvfDescriptor.ResourceType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an OVF 2.x descriptor (DSP0243) of one virtual system with the neutral hardware of a
 * golden image: CPUs, memory, an IDE controller with the one disk (the one controller every
 * hypervisor and guest knows), an E1000 NIC, a graphics controller when the image has a display,
 * and the firmware as VMware's {@code vmw:Config firmware} (no DMTF element carries it). RASD
 * elements are in the order the CIM schema's sequence demands (alphabetical).
 */
final class OvfWriter {

  static final String NETWORK = "desktop";
  private static final String DISK_ID = "vmdisk1";
  private static final String FILE_ID = "file1";
  private static final String CONTROLLER_ID = "3";

  private OvfWriter() {}

  static byte[] write(OvfDescriptor descriptor) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      XMLStreamWriter xml =
          XMLOutputFactory.newFactory().createXMLStreamWriter(bytes, StandardCharsets.UTF_8.name());
      xml.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
      start(xml, OVF_2, "Envelope");
      xml.writeDefaultNamespace(OVF_2);
      xml.writeNamespace("ovf", OVF_2);
      xml.writeNamespace("rasd", RASD);
      xml.writeNamespace("vssd", VSSD);
      xml.writeNamespace("vmw", VMW);
      references(xml, descriptor.disk());
      diskSection(xml, descriptor.disk());
      networkSection(xml);
      virtualSystem(xml, descriptor);
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("Writing an OVF descriptor failed", e);
    }
    return bytes.toByteArray();
  }

  private static void references(XMLStreamWriter xml, OvfDescriptor.Disk disk)
      throws XMLStreamException {
    start(xml, OVF_2, "References");
    empty(xml, OVF_2, "File");
    attribute(xml, OVF_2, "id", FILE_ID);
    attribute(xml, OVF_2, "href", disk.fileName());
    attribute(xml, OVF_2, "size", Long.toString(disk.fileSize()));
    xml.writeEndElement();
  }

  private static void diskSection(XMLStreamWriter xml, OvfDescriptor.Disk disk)
      throws XMLStreamException {
    start(xml, OVF_2, "DiskSection");
    text(xml, OVF_2, "Info", "The golden image's disk");
    empty(xml, OVF_2, "Disk");
    attribute(xml, OVF_2, "capacity", Long.toString(disk.capacityBytes()));
    attribute(xml, OVF_2, "capacityAllocationUnits", "byte");
    attribute(xml, OVF_2, "diskId", DISK_ID);
    attribute(xml, OVF_2, "fileRef", FILE_ID);
    attribute(xml, OVF_2, "format", OvfDescriptor.STREAM_OPTIMIZED_VMDK);
    xml.writeEndElement();
  }

  private static void networkSection(XMLStreamWriter xml) throws XMLStreamException {
    start(xml, OVF_2, "NetworkSection");
    text(xml, OVF_2, "Info", "The desktop's network");
    start(xml, OVF_2, "Network");
    attribute(xml, OVF_2, "name", NETWORK);
    text(xml, OVF_2, "Description", "The network a desktop is connected to");
    xml.writeEndElement();
    xml.writeEndElement();
  }

  private static void virtualSystem(XMLStreamWriter xml, OvfDescriptor descriptor)
      throws XMLStreamException {
    start(xml, OVF_2, "VirtualSystem");
    attribute(xml, OVF_2, "id", descriptor.name());
    text(xml, OVF_2, "Info", "A Veneer golden image");
    text(xml, OVF_2, "Name", descriptor.name());
    start(xml, OVF_2, "AnnotationSection");
    text(xml, OVF_2, "Info", "The image's description");
    text(xml, OVF_2, "Annotation", descriptor.description());
    xml.writeEndElement();
    start(xml, OVF_2, "OperatingSystemSection");
    // CIM_OperatingSystem.OsType 1 is "Other": Veneer's OS names are free text, kept below.
    attribute(xml, OVF_2, "id", "1");
    text(xml, OVF_2, "Info", "The guest operating system");
    text(xml, OVF_2, "Description", descriptor.os());
    xml.writeEndElement();
    hardware(xml, descriptor);
    xml.writeEndElement();
  }

  private static void hardware(XMLStreamWriter xml, OvfDescriptor descriptor)
      throws XMLStreamException {
    var hardware = descriptor.hardware();
    start(xml, OVF_2, "VirtualHardwareSection");
    text(xml, OVF_2, "Info", "Virtual hardware requirements");
    start(xml, OVF_2, "System");
    text(xml, VSSD, "ElementName", "Virtual Hardware Family");
    text(xml, VSSD, "InstanceID", "0");
    text(xml, VSSD, "VirtualSystemIdentifier", descriptor.name());
    // A list: each importer picks the family it knows (ovftool vmx-*, VirtualBox virtualbox-*).
    text(xml, VSSD, "VirtualSystemType", "vmx-14 virtualbox-2.2");
    xml.writeEndElement();
    item(
        xml,
        ordered(
            "AllocationUnits",
            "hertz * 10^6",
            "ElementName",
            hardware.vcpus() + " virtual CPU(s)",
            "InstanceID",
            "1",
            "ResourceType",
            ResourceType.PROCESSOR,
            "VirtualQuantity",
            hardware.vcpus()));
    item(
        xml,
        ordered(
            "AllocationUnits",
            "byte * 2^20",
            "ElementName",
            hardware.memoryMib() + " MiB of memory",
            "InstanceID",
            "2",
            "ResourceType",
            ResourceType.MEMORY,
            "VirtualQuantity",
            hardware.memoryMib()));
    item(
        xml,
        ordered(
            "Address", "0",
            "ElementName", "IDE controller",
            "InstanceID", CONTROLLER_ID,
            "ResourceSubType", "PIIX4",
            "ResourceType", ResourceType.IDE_CONTROLLER));
    item(
        xml,
        ordered(
            "AddressOnParent",
            "0",
            "ElementName",
            "Disk 1",
            "HostResource",
            "ovf:/disk/" + DISK_ID,
            "InstanceID",
            "4",
            "Parent",
            CONTROLLER_ID,
            "ResourceType",
            ResourceType.DISK_DRIVE));
    item(
        xml,
        ordered(
            "AutomaticAllocation",
            "true",
            "Connection",
            NETWORK,
            "ElementName",
            "Ethernet adapter on " + NETWORK,
            "InstanceID",
            "5",
            "ResourceSubType",
            "E1000",
            "ResourceType",
            ResourceType.ETHERNET_ADAPTER));
    if (hardware.display()) {
      item(
          xml,
          ordered(
              "ElementName", "Graphics controller",
              "InstanceID", "6",
              "ResourceType", ResourceType.GRAPHICS_CONTROLLER));
    }
    empty(xml, VMW, "Config");
    attribute(xml, OVF_2, "required", "false");
    attribute(xml, VMW, "key", "firmware");
    attribute(xml, VMW, "value", hardware.firmware().equals("uefi") ? "efi" : "bios");
    xml.writeEndElement();
  }

  private static void item(XMLStreamWriter xml, Map<String, Object> elements)
      throws XMLStreamException {
    start(xml, OVF_2, "Item");
    for (var element : elements.entrySet()) {
      text(xml, RASD, element.getKey(), String.valueOf(element.getValue()));
    }
    xml.writeEndElement();
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static void start(XMLStreamWriter xml, String namespace, String name)
      throws XMLStreamException {
    xml.writeStartElement(prefix(namespace, true), name, namespace);
  }

  private static void empty(XMLStreamWriter xml, String namespace, String name)
      throws XMLStreamException {
    xml.writeEmptyElement(prefix(namespace, true), name, namespace);
  }

  private static void attribute(XMLStreamWriter xml, String namespace, String name, String value)
      throws XMLStreamException {
    xml.writeAttribute(prefix(namespace, false), namespace, name, value);
  }

  /** OVF elements in the default namespace; attributes have none, so theirs is ovf:. */
  private static String prefix(String namespace, boolean element) {
    return switch (namespace) {
      case OVF_2 -> element ? "" : "ovf";
      case RASD -> "rasd";
      case VSSD -> "vssd";
      case VMW -> "vmw";
      default -> throw new IllegalArgumentException(namespace);
    };
  }

  private static void text(XMLStreamWriter xml, String namespace, String name, String value)
      throws XMLStreamException {
    start(xml, namespace, name);
    xml.writeCharacters(value);
    xml.writeEndElement();
  }
}
