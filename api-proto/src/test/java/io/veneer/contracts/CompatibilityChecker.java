package io.veneer.contracts;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the changes to a published contract that break its wire format: a message or enum that
 * disappeared, a field or enum value whose number, type or cardinality changed, a removed field
 * whose number or name was not reserved, and a published number reused under another name.
 */
final class CompatibilityChecker {

  private CompatibilityChecker() {}

  static List<String> breakingChanges(FileDescriptorSet published, FileDescriptorSet current) {
    Map<String, DescriptorProto> currentMessages = new HashMap<>();
    Map<String, EnumDescriptorProto> currentEnums = new HashMap<>();
    index(current, currentMessages, currentEnums);
    Map<String, DescriptorProto> publishedMessages = new HashMap<>();
    Map<String, EnumDescriptorProto> publishedEnums = new HashMap<>();
    index(published, publishedMessages, publishedEnums);

    List<String> problems = new ArrayList<>();
    publishedMessages.forEach(
        (name, before) -> {
          DescriptorProto after = currentMessages.get(name);
          if (after == null) {
            problems.add("message " + name + " was removed");
          } else {
            compareFields(name, before, after, problems);
          }
        });
    publishedEnums.forEach(
        (name, before) -> {
          EnumDescriptorProto after = currentEnums.get(name);
          if (after == null) {
            problems.add("enum " + name + " was removed");
          } else {
            compareValues(name, before, after, problems);
          }
        });
    problems.sort(String::compareTo);
    return problems;
  }

  private static void compareFields(
      String message, DescriptorProto before, DescriptorProto after, List<String> problems) {
    for (FieldDescriptorProto field : before.getFieldList()) {
      String where = message + "." + field.getName();
      Optional<FieldDescriptorProto> sameName =
          after.getFieldList().stream()
              .filter(f -> f.getName().equals(field.getName()))
              .findFirst();
      if (sameName.isEmpty()) {
        if (!isReserved(after, field.getNumber())
            || !after.getReservedNameList().contains(field.getName())) {
          problems.add(
              where
                  + " (number "
                  + field.getNumber()
                  + ") was removed without reserving its number and name");
        }
        continue;
      }
      FieldDescriptorProto now = sameName.get();
      if (now.getNumber() != field.getNumber()) {
        problems.add(
            where + " changed its number from " + field.getNumber() + " to " + now.getNumber());
      }
      if (now.getType() != field.getType() || !now.getTypeName().equals(field.getTypeName())) {
        problems.add(where + " changed its type from " + typeOf(field) + " to " + typeOf(now));
      }
      if (now.getLabel() != field.getLabel()) {
        problems.add(where + " changed from " + field.getLabel() + " to " + now.getLabel());
      }
    }
    for (FieldDescriptorProto now : after.getFieldList()) {
      before.getFieldList().stream()
          .filter(f -> f.getNumber() == now.getNumber() && !f.getName().equals(now.getName()))
          .findFirst()
          .ifPresent(
              old ->
                  problems.add(
                      message
                          + "."
                          + now.getName()
                          + " reuses number "
                          + now.getNumber()
                          + " published as "
                          + old.getName()));
    }
  }

  private static void compareValues(
      String enumName,
      EnumDescriptorProto before,
      EnumDescriptorProto after,
      List<String> problems) {
    for (EnumValueDescriptorProto value : before.getValueList()) {
      Optional<EnumValueDescriptorProto> now =
          after.getValueList().stream()
              .filter(v -> v.getName().equals(value.getName()))
              .findFirst();
      if (now.isEmpty()) {
        boolean reserved =
            after.getReservedRangeList().stream()
                    .anyMatch(
                        r -> r.getStart() <= value.getNumber() && value.getNumber() <= r.getEnd())
                && after.getReservedNameList().contains(value.getName());
        if (!reserved) {
          problems.add(
              enumName
                  + "."
                  + value.getName()
                  + " was removed without reserving its number and name");
        }
      } else if (now.get().getNumber() != value.getNumber()) {
        problems.add(
            enumName
                + "."
                + value.getName()
                + " changed its number from "
                + value.getNumber()
                + " to "
                + now.get().getNumber());
      }
    }
  }

  private static boolean isReserved(DescriptorProto message, int number) {
    return message.getReservedRangeList().stream()
        .anyMatch(r -> r.getStart() <= number && number < r.getEnd());
  }

  private static String typeOf(FieldDescriptorProto field) {
    return field.getTypeName().isEmpty() ? field.getType().name() : field.getTypeName();
  }

  private static void index(
      FileDescriptorSet set,
      Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums) {
    for (FileDescriptorProto file : set.getFileList()) {
      for (DescriptorProto message : file.getMessageTypeList()) {
        indexMessage(file.getPackage() + "." + message.getName(), message, messages, enums);
      }
      for (EnumDescriptorProto e : file.getEnumTypeList()) {
        enums.put(file.getPackage() + "." + e.getName(), e);
      }
    }
  }

  private static void indexMessage(
      String name,
      DescriptorProto message,
      Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums) {
    messages.put(name, message);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      indexMessage(name + "." + nested.getName(), nested, messages, enums);
    }
    for (EnumDescriptorProto e : message.getEnumTypeList()) {
      enums.put(name + "." + e.getName(), e);
    }
  }
}
