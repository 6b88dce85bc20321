package io.veneer.images.ova;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.images.catalogue.HardwareProfile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xml.sax.SAXParseException;

/**
 * The descriptors Veneer writes against the OVF 2.x structure: DMTF's XSD (DSP8023) is on no Maven
 * repository the build reaches, so {@code ovf-structure/*.xsd} writes down the part of it Veneer
 * uses (DSP8023's types, required attributes and element order; RASD and VSSD in CIM's order).
 */
class OvfStructureTest {

  private static final Schema OVF = schema();

  @ParameterizedTest(name = "a descriptor with display={0} is valid")
  @ValueSource(booleans = {true, false})
  void whatVeneerWritesIsValid(boolean display) {
    var descriptor =
        new OvfDescriptor(
            "debian-12-v3",
            "Debian 12 & <Xfce>",
            "debian-12",
            new HardwareProfile("q35", display ? "uefi" : "bios", 2, 2048, "disk", "", display),
            OvfReaderTest.DESKTOP.disk());
    assertThatCode(() -> validate(OvfWriter.write(descriptor))).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "the check refuses {0}")
  @ValueSource(
      strings = {
        "RASD elements out of CIM's order",
        "a File without href",
        "an Item without InstanceID",
        "a section without Info"
      })
  void theCheckHasTeeth(String flaw) {
    String xml = new String(OvfWriter.write(OvfReaderTest.DESKTOP), StandardCharsets.UTF_8);
    String broken =
        switch (flaw) {
          case "RASD elements out of CIM's order" ->
              xml.replaceFirst(
                  "(<rasd:AllocationUnits>[^<]*</rasd:AllocationUnits>)(<rasd:ElementName>[^<]*"
                      + "</rasd:ElementName>)",
                  "$2$1");
          case "a File without href" -> xml.replaceFirst(" ovf:href=\"[^\"]*\"", "");
          case "an Item without InstanceID" ->
              xml.replaceFirst("<rasd:InstanceID>1</rasd:InstanceID>", "");
          default -> xml.replaceFirst("<Info>The golden image's disk</Info>", "");
        };
    assertThatThrownBy(() -> validate(broken.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SAXParseException.class);
  }

  private static void validate(byte[] xml) throws Exception {
    OVF.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
  }

  private static Schema schema() {
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      return factory.newSchema(OvfStructureTest.class.getResource("/ovf-structure/envelope.xsd"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
