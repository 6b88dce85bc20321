package io.veneer.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import io.veneer.agent.v1.AgentProto;
import io.veneer.api.v1.CommonProto;
import io.veneer.api.v1.DesktopsProto;
import io.veneer.api.v1.HostsProto;
import io.veneer.api.v1.ImagesProto;
import io.veneer.api.v1.PoolsProto;
import io.veneer.events.v1.EventsProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Published contracts keep their wire format. The committed descriptor set
 * (src/test/resources/published-contracts.txtpb) is what clients in the field were built against;
 * after a deliberate, compatible change, refresh it with {@code ./mvnw -pl api-proto test
 * -Dveneer.contracts.publish=true} and commit it.
 */
class ContractCompatibilityTest {

  private static final Path PUBLISHED = Path.of("src/test/resources/published-contracts.txtpb");

  @Test
  void publishedFieldNumbersTypesAndNamesAreUnchanged() throws IOException {
    FileDescriptorSet current = currentContracts();
    if (Boolean.getBoolean("veneer.contracts.publish")) {
      Files.writeString(PUBLISHED, TextFormat.printer().printToString(current));
    }

    assertThat(CompatibilityChecker.breakingChanges(published(), current)).isEmpty();
  }

  @Test
  void aChangedFieldNumberIsReported() throws IOException {
    FileDescriptorSet changed = withField(published(), "Hello", "host_id", f -> f.setNumber(99));

    assertThat(CompatibilityChecker.breakingChanges(published(), changed))
        .containsExactly("veneer.agent.v1.Hello.host_id changed its number from 1 to 99");
  }

  @Test
  void aChangedFieldTypeIsReported() throws IOException {
    FileDescriptorSet changed =
        withField(
            published(),
            "Hello",
            "agent_version",
            f -> f.setType(FieldDescriptorProto.Type.TYPE_INT64));

    assertThat(CompatibilityChecker.breakingChanges(published(), changed))
        .containsExactly(
            "veneer.agent.v1.Hello.agent_version changed its type from TYPE_STRING to TYPE_INT64");
  }

  @Test
  void aFieldRemovedWithoutReservingItsNumberIsReported() throws IOException {
    FileDescriptorSet published = published();
    FileDescriptorSet removed = editMessage(published, "Hello", m -> m.removeField(1));

    assertThat(CompatibilityChecker.breakingChanges(published, removed))
        .containsExactly(
            "veneer.agent.v1.Hello.agent_version (number 2) was removed without reserving its number and name");
  }

  @Test
  void aFieldRemovedWithItsNumberAndNameReservedIsAccepted() throws IOException {
    FileDescriptorSet published = published();
    FileDescriptorSet removed =
        editMessage(
            published,
            "Hello",
            m ->
                m.removeField(1)
                    .addReservedRange(
                        DescriptorProto.ReservedRange.newBuilder().setStart(2).setEnd(3))
                    .addReservedName("agent_version"));

    assertThat(CompatibilityChecker.breakingChanges(published, removed)).isEmpty();
  }

  private static FileDescriptorSet currentContracts() {
    return FileDescriptorSet.newBuilder()
        .addAllFile(
            Stream.of(
                    AgentProto.getDescriptor(),
                    CommonProto.getDescriptor(),
                    DesktopsProto.getDescriptor(),
                    PoolsProto.getDescriptor(),
                    HostsProto.getDescriptor(),
                    ImagesProto.getDescriptor(),
                    EventsProto.getDescriptor())
                .map(FileDescriptor::toProto)
                .toList())
        .build();
  }

  private static FileDescriptorSet published() throws IOException {
    FileDescriptorSet.Builder builder = FileDescriptorSet.newBuilder();
    TextFormat.merge(Files.readString(PUBLISHED, StandardCharsets.UTF_8), builder);
    return builder.build();
  }

  private interface MessageEdit {
    void apply(DescriptorProto.Builder message);
  }

  private interface FieldEdit {
    void apply(FieldDescriptorProto.Builder field);
  }

  private static FileDescriptorSet withField(
      FileDescriptorSet set, String message, String field, FieldEdit edit) {
    return editMessage(
        set,
        message,
        m ->
            m.getFieldBuilderList().stream()
                .filter(f -> f.getName().equals(field))
                .forEach(edit::apply));
  }

  private static FileDescriptorSet editMessage(
      FileDescriptorSet set, String message, MessageEdit edit) {
    FileDescriptorSet.Builder builder = set.toBuilder();
    for (FileDescriptorProto.Builder file : builder.getFileBuilderList()) {
      List<DescriptorProto.Builder> messages = file.getMessageTypeBuilderList();
      messages.stream().filter(m -> m.getName().equals(message)).forEach(edit::apply);
    }
    return builder.build();
  }
}
