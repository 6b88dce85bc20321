package io.veneer.images.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.images.catalogue.HardwareProfile;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Descriptors in: what Veneer writes reads back the same; hostile or unhonourable ones refused. */
class OvfReaderTest {

  private static final long GIB = 1L << 30;
  static final OvfDescriptor DESKTOP =
      new OvfDescriptor(
          "debian-12-v3",
          "Debian 12 with Xfce",
          "debian-12",
          new HardwareProfile("q35", "uefi", 4, 6144, "disk", "", true),
          new OvfDescriptor.Disk("debian-12-v3-disk1.vmdk", 123456, 8L << 20));

  @Test
  void readsBackWhatItWrites() {
    assertThat(OvfReader.read(OvfWriter.write(DESKTOP), GIB)).isEqualTo(DESKTOP);
  }

  @Test
  void readsADesktopWithoutDisplayOnBios() {
    var headless =
        new OvfDescriptor(
            "headless",
            "",
            "other",
            new HardwareProfile("q35", "bios", 1, 512, "disk", "", false),
            DESKTOP.disk());
    assertThat(OvfReader.read(OvfWriter.write(headless), GIB)).isEqualTo(headless);
  }

  @Test
  void readsMemoryInOtherUnitsAndIgnoresOptionalDevices() {
    String descriptor =
        edit(
            xml ->
                xml.replace("byte * 2^20", "byte * 2^30")
                    .replace("<rasd:VirtualQuantity>6144<", "<rasd:VirtualQuantity>6<")
                    .replace(
                        "</VirtualHardwareSection>",
                        item(35, "") + item(15, "") + "</VirtualHardwareSection>"));
    assertThat(read(descriptor).hardware().memoryMib()).isEqualTo(6144);
  }

  @Test
  void readsWhatVirtualBoxExports() throws Exception {
    OvfDescriptor read = OvfReader.read(sample("virtualbox-7.ovf"), 64 * GIB);

    assertThat(read.hardware())
        .isEqualTo(new HardwareProfile("q35", "uefi", 2, 4096, "disk", "", true));
    assertThat(read.disk()).isEqualTo(new OvfDescriptor.Disk("debian-disk001.vmdk", -1, 20L * GIB));
    assertThat(read.name()).isEqualTo("debian");
    assertThat(read.os()).isEqualTo("Debian_64");
  }

  @Test
  void readsWhatVmwareExports() throws Exception {
    OvfDescriptor read = OvfReader.read(sample("vmware-esxi.ovf"), 64 * GIB);

    assertThat(read.hardware())
        .isEqualTo(new HardwareProfile("q35", "bios", 4, 8192, "disk", "", true));
    assertThat(read.disk())
        .isEqualTo(new OvfDescriptor.Disk("win11-disk1.vmdk", 3281517056L, 64 * GIB));
    assertThat(read.os()).isEqualTo("Microsoft Windows 11 (64-bit)");
  }

  private static byte[] sample(String name) throws Exception {
    try (var in = OvfReaderTest.class.getResourceAsStream("/ovf-samples/" + name)) {
      return in.readAllBytes();
    }
  }

  record Hostile(String what, UnaryOperator<String> edit, String reason) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Hostile[] hostileDescriptors() {
    return new Hostile[] {
      new Hostile(
          "an external entity (XXE)",
          xml ->
              xml.replace(
                      "<Envelope",
                      "<!DOCTYPE Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Envelope")
                  .replace("Debian 12 with Xfce", "&x;"),
          "DOCTYPE"),
      new Hostile(
          "nested entities (billion laughs)",
          xml ->
              xml.replace(
                  "<Envelope",
                  "<!DOCTYPE Envelope [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                      + "<Envelope"),
          "DOCTYPE"),
      new Hostile(
          "a disk outside the archive (..)",
          xml -> xml.replace("\"debian-12-v3-disk1.vmdk\"", "\"../../etc/shadow\""),
          "only plain file names inside the archive"),
      new Hostile(
          "a disk at an absolute path",
          xml -> xml.replace("\"debian-12-v3-disk1.vmdk\"", "\"/etc/shadow\""),
          "only plain file names inside the archive"),
      new Hostile(
          "a disk at a URL",
          xml -> xml.replace("\"debian-12-v3-disk1.vmdk\"", "\"http://169.254.169.254/disk\""),
          "only plain file names inside the archive"),
      new Hostile(
          "a 1 PiB disk (size bomb)",
          xml -> xml.replace("ovf:capacity=\"8388608\"", "ovf:capacity=\"1125899906842624\""),
          "more than veneer.images.max-virtual-size"),
      new Hostile(
          "a capacity overflowing 64 bits",
          xml ->
              xml.replace(
                  "ovf:capacityAllocationUnits=\"byte\"",
                  "ovf:capacityAllocationUnits=\"byte * 2^60\""),
          "absurd"),
      new Hostile(
          "a gzip-compressed disk",
          xml -> xml.replace("ovf:size=", "ovf:compression=\"gzip\" ovf:size="),
          "without compression"),
      new Hostile(
          "a second disk",
          xml ->
              xml.replace(
                  "</DiskSection>",
                  "<Disk ovf:capacity=\"1024\" ovf:diskId=\"vmdisk2\"/></DiskSection>"),
          "a golden image has exactly one"),
      new Hostile(
          "two network adapters",
          xml ->
              xml.replace("</VirtualHardwareSection>", item(10, "") + "</VirtualHardwareSection>"),
          "2 network adapters"),
      new Hostile(
          "a required device Veneer does not give (a parallel port)",
          xml ->
              xml.replace("</VirtualHardwareSection>", item(22, "") + "</VirtualHardwareSection>"),
          "resource type 22"),
      new Hostile(
          "more CPUs than a desktop may have",
          xml -> xml.replace("<rasd:VirtualQuantity>4<", "<rasd:VirtualQuantity>4294967298<"),
          "vcpus must be between 1 and 256"),
      new Hostile(
          "a capacity from a property",
          xml -> xml.replace("ovf:capacity=\"8388608\"", "ovf:capacity=\"${disk.size}\""),
          "not a whole number"),
      new Hostile(
          "a collection of virtual systems",
          xml ->
              xml.replace(
                  "<VirtualSystem ", "<VirtualSystemCollection ovf:id=\"c\"/><VirtualSystem "),
          "collection"),
      new Hostile("not OVF", xml -> "<html/>", "not an OVF"),
      new Hostile("not XML", xml -> "PK\u0003\u0004", "not well-formed"),
    };
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("hostileDescriptors")
  void refusesWithAReason(Hostile hostile) {
    String descriptor = edit(hostile.edit());
    assertThatThrownBy(() -> read(descriptor))
        .isInstanceOf(OvaRefusedException.class)
        .hasMessageContaining(hostile.reason());
  }

  @Test
  void refusesADescriptorLargerThanTheLimit() {
    String descriptor =
        edit(xml -> xml.replace("Debian 12 with Xfce", "x".repeat(OvfReader.MAX_DESCRIPTOR_BYTES)));
    assertThatThrownBy(() -> read(descriptor))
        .isInstanceOf(OvaRefusedException.class)
        .hasMessageContaining("larger than 1048576 bytes");
  }

  static String item(int resourceType, String required) {
    return "<Item"
        + required
        + "><rasd:ElementName>device</rasd:ElementName><rasd:InstanceID>9"
        + resourceType
        + "</rasd:InstanceID><rasd:ResourceType>"
        + resourceType
        + "</rasd:ResourceType></Item>";
  }

  private static String edit(UnaryOperator<String> edit) {
    String xml = new String(OvfWriter.write(DESKTOP), StandardCharsets.UTF_8);
    String edited = edit.apply(xml);
    assertThat(edited).as("the edit changed nothing").isNotEqualTo(xml);
    return edited;
  }

  private static OvfDescriptor read(String xml) {
    return OvfReader.read(xml.getBytes(StandardCharsets.UTF_8), GIB);
  }
}
