package io.veneer.agent.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.ImageRef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/** The domain a desktop's spec becomes, read back as libvirt reads it. */
class DomainXmlTest {

  private static final String DIGEST = "sha256:" + "0".repeat(64);
  private static final DomainXml.Files FILES =
      new DomainXml.Files(
          Path.of("/data/desktops/desk-1/os.qcow2"),
          Path.of("/data/desktops/desk-1/userdata.qcow2"),
          Path.of("/data/desktops/desk-1/console.log"));

  @Test
  void aDirectKernelDesktopWithoutDisplayIsAQ35DomainWithItsDisksSerialFileAndNoNetwork()
      throws Exception {
    Document domain = parse(DomainXml.of(direct("quiet"), false, FILES));

    assertThat(text(domain, "/domain/@type")).isEqualTo("qemu");
    assertThat(text(domain, "/domain/name")).isEqualTo("veneer-desk-1");
    assertThat(text(domain, "/domain/memory")).isEqualTo("96");
    assertThat(text(domain, "/domain/memory/@unit")).isEqualTo("MiB");
    assertThat(text(domain, "/domain/vcpu")).isEqualTo("2");
    assertThat(text(domain, "/domain/os/type/@machine")).isEqualTo("q35");
    assertThat(text(domain, "/domain/os/kernel")).isEqualTo("/cache/vmlinuz");
    assertThat(text(domain, "/domain/os/initrd")).isEqualTo("/cache/initrd");
    assertThat(text(domain, "/domain/os/cmdline")).isEqualTo("console=ttyS0 panic=1 quiet");
    assertThat(text(domain, "/domain/on_reboot")).isEqualTo("destroy");
    assertThat(text(domain, "/domain/on_crash")).isEqualTo("destroy");
    assertThat(text(domain, "/domain/devices/disk[target/@dev='vda']/source/@file"))
        .isEqualTo(FILES.osDisk().toString());
    assertThat(text(domain, "/domain/devices/disk[target/@dev='vdb']/source/@file"))
        .isEqualTo(FILES.userDataDisk().toString());
    assertThat(text(domain, "/domain/devices/disk[target/@dev='vda']/driver/@type"))
        .isEqualTo("qcow2");
    assertThat(text(domain, "/domain/devices/serial[@type='file']/source/@path"))
        .isEqualTo(FILES.console().toString());
    assertThat(count(domain, "//interface")).as("no link: the network is off").isZero();
    assertThat(count(domain, "//graphics")).as("no display asked for").isZero();
    assertThat(count(domain, "/domain/cpu")).as("TCG: no host CPU passed through").isZero();
  }

  @Test
  void aDisplayIsVncOnAUnixSocketLibvirtPlacesNeverATcpPortNorAPassword() throws Exception {
    Document domain = parse(DomainXml.of(withDisplay(direct("quiet")), true, FILES));

    assertThat(text(domain, "/domain/@type")).isEqualTo("kvm");
    assertThat(text(domain, "/domain/devices/graphics/@type")).isEqualTo("vnc");
    assertThat(text(domain, "/domain/devices/graphics/listen/@type")).isEqualTo("socket");
    assertThat(count(domain, "/domain/devices/graphics/listen")).isEqualTo(1);
    assertThat(count(domain, "//graphics/@port | //graphics/@autoport | //graphics/@listen"))
        .as("no TCP listener")
        .isZero();
    assertThat(count(domain, "//@passwd")).as("no password: the socket is the boundary").isZero();
    assertThat(count(domain, "/domain/devices/video")).isEqualTo(1);
  }

  @Test
  void aDiskImageDesktopBootsItsOsDiskThroughTheBios() throws Exception {
    GuestSpec spec = spec(new BootSource.DiskImage(), 0);
    Document domain =
        parse(
            DomainXml.of(spec, false, new DomainXml.Files(FILES.osDisk(), null, FILES.console())));

    assertThat(text(domain, "/domain/os/boot/@dev")).isEqualTo("hd");
    assertThat(count(domain, "/domain/os/kernel")).isZero();
    assertThat(count(domain, "/domain/devices/disk")).as("no user-data disk").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "quiet</cmdline><kernel>/evil</kernel><cmdline>",
        "a&b 'single' \"double\" <tag/> ]]> &amp;",
      })
  void everyValueIsEscapedSoItReadsBackAsWritten(String cmdline) throws Exception {
    Document domain = parse(DomainXml.of(direct(cmdline), false, FILES));

    assertThat(text(domain, "/domain/os/cmdline")).isEqualTo("console=ttyS0 panic=1 " + cmdline);
    assertThat(count(domain, "/domain/os/kernel")).isEqualTo(1);
  }

  @Test
  void aControlCharacterIsRefusedNamingWhereItIs() {
    assertThatThrownBy(() -> DomainXml.of(direct("quiet\u0001"), false, FILES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cmdline holds a control character");
  }

  private static GuestSpec direct(String cmdline) {
    return spec(
        new BootSource.DirectKernel(
            new ImageRef(DIGEST, ImageRef.Kind.KERNEL, Path.of("/cache/vmlinuz")),
            new ImageRef(DIGEST, ImageRef.Kind.INITRD, Path.of("/cache/initrd")),
            cmdline),
        1);
  }

  private static GuestSpec withDisplay(GuestSpec spec) {
    return new GuestSpec(
        spec.desktopId(),
        spec.size(),
        spec.image(),
        spec.boot(),
        spec.machine(),
        spec.firmware(),
        true,
        spec.devices());
  }

  private static GuestSpec spec(BootSource boot, long userDataGib) {
    return new GuestSpec(
        "desk-1",
        new GuestSpec.Size(2, 96),
        new ImageRef(DIGEST, ImageRef.Kind.DISK_QCOW2, Path.of("/cache/golden")),
        boot,
        GuestSpec.Machine.Q35,
        GuestSpec.Firmware.BIOS,
        false,
        new GuestSpec.Devices(userDataGib, GuestSpec.Network.OFF));
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Document doc, String xpath) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
  }

  private static int count(Document doc, String xpath) throws Exception {
    return ((Double)
            XPathFactory.newInstance()
                .newXPath()
                .evaluate("count(" + xpath + ")", doc, XPathConstants.NUMBER))
        .intValue();
  }
}
