package io.veneer.agent.hypervisor.libvirt;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The libvirt domain of one desktop, from its neutral spec. Built as a DOM, so every value (paths,
 * the kernel command line) is escaped by the serializer, never pasted into markup.
 *
 * <p>What it holds and why: q35 (TCG or KVM); the kernel, initrd and command line for direct-kernel
 * boot, else the BIOS boots the OS disk; the OS overlay and the user-data disk on virtio; the
 * serial console into a file, where the ready line and a crash's reason are read; no network
 * interface (a guest whose network is off has no link at all, so it reaches nothing, least of all
 * its host); when a display is asked for, VNC on a unix socket libvirt places in the domain's
 * private folder ({@code /var/lib/libvirt/qemu/domain-<n>-<name>/vnc.sock}, {@code rwxr-x---}
 * libvirt-qemu:kvm, made at each boot and removed with it), never a TCP port, no password; a
 * balloon; and the guest's own power-off, reboot or crash end the domain, as QEMU's {@code
 * -no-reboot} does for the qemu driver (so a kernel panic with {@code panic=1} is a stopped guest).
 */
final class DomainXml {

  /** Every desktop's domain is named so; a restarted agent finds its guests by this name. */
  static final String NAME_PREFIX = "veneer-";

  /**
   * The files a domain uses.
   *
   * @param osDisk the OS overlay
   * @param userDataDisk the user-data disk, or null for none
   * @param console the serial console's log
   */
  record Files(Path osDisk, Path userDataDisk, Path console) {}

  private DomainXml() {}

  /**
   * @param kvm whether the host runs guests under KVM (else TCG)
   */
  static String of(GuestSpec spec, boolean kvm, Files files) {
    Document doc = newDocument();
    Element domain = doc.createElement("domain");
    doc.appendChild(domain);
    domain.setAttribute("type", kvm ? "kvm" : "qemu");
    text(domain, "name", NAME_PREFIX + spec.desktopId());
    text(domain, "memory", String.valueOf(spec.size().memoryMib())).setAttribute("unit", "MiB");
    text(domain, "vcpu", String.valueOf(spec.size().vcpus()));

    Element os = child(domain, "os");
    Element type = text(os, "type", "hvm");
    type.setAttribute("arch", "x86_64");
    type.setAttribute("machine", spec.machine().name().toLowerCase(Locale.ROOT));
    switch (spec.boot()) {
      case BootSource.DirectKernel direct -> {
        text(os, "kernel", direct.kernel().path().toAbsolutePath().toString());
        if (direct.initrd() != null) {
          text(os, "initrd", direct.initrd().path().toAbsolutePath().toString());
        }
        text(os, "cmdline", "console=ttyS0 panic=1 " + direct.cmdline());
      }
      case BootSource.DiskImage disk -> child(os, "boot").setAttribute("dev", "hd");
      case BootSource.SharedRoot shared ->
          throw new IllegalArgumentException("a libvirt domain cannot boot a shared root");
    }
    child(child(domain, "features"), "acpi");
    if (kvm) {
      child(domain, "cpu").setAttribute("mode", "host-passthrough");
    }
    text(domain, "on_poweroff", "destroy");
    text(domain, "on_reboot", "destroy");
    text(domain, "on_crash", "destroy");

    Element devices = child(domain, "devices");
    disk(devices, files.osDisk(), "vda");
    if (files.userDataDisk() != null) {
      disk(devices, files.userDataDisk(), "vdb");
    }
    Element serial = child(devices, "serial");
    serial.setAttribute("type", "file");
    child(serial, "source")
        .setAttribute("path", printable("console", files.console().toAbsolutePath().toString()));
    child(serial, "target").setAttribute("port", "0");
    if (spec.display()) {
      Element graphics = child(devices, "graphics");
      graphics.setAttribute("type", "vnc");
      // No socket named: libvirt puts it in the domain's private folder, which only root,
      // libvirt-qemu and the kvm group can enter (see LibvirtHypervisor#console).
      child(graphics, "listen").setAttribute("type", "socket");
      child(child(devices, "video"), "model").setAttribute("type", "vga");
    }
    child(devices, "memballoon").setAttribute("model", "virtio");
    return serialize(doc);
  }

  private static void disk(Element devices, Path file, String target) {
    Element disk = child(devices, "disk");
    disk.setAttribute("type", "file");
    disk.setAttribute("device", "disk");
    Element driver = child(disk, "driver");
    driver.setAttribute("name", "qemu");
    driver.setAttribute("type", "qcow2");
    child(disk, "source").setAttribute("file", printable("disk", file.toAbsolutePath().toString()));
    Element targetElement = child(disk, "target");
    targetElement.setAttribute("dev", target);
    targetElement.setAttribute("bus", "virtio");
  }

  private static Element child(Element parent, String name) {
    Element element = parent.getOwnerDocument().createElement(name);
    parent.appendChild(element);
    return element;
  }

  private static Element text(Element parent, String name, String text) {
    Element element = child(parent, name);
    element.setTextContent(printable(name, text));
    return element;
  }

  /** XML 1.0 cannot carry control characters; libvirt would refuse the document. */
  private static String printable(String what, String value) {
    if (value.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException(
          "The domain's " + what + " holds a control character: " + value.strip());
    }
    return value;
  }

  private static Document newDocument() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("The JDK's XML builder is not configured", e);
    }
  }

  private static String serialize(Document doc) {
    try {
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      transformer.setOutputProperty(OutputKeys.INDENT, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("Cannot write a domain's XML", e);
    }
  }
}
