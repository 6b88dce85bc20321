package io.veneer.images.api;

/** Example request bodies, shown in the OpenAPI document (and Swagger UI's "Try it out"). */
final class RequestExamples {

  static final String CREATE_IMAGE =
      """
      {"name": "debian-12", "description": "Debian 12 with Xfce", "os": "linux",
       "hardware": {"machine": "q35", "firmware": "uefi", "vcpus": 2, "memoryMib": 4096,
                    "bootMode": "disk", "kernelCmdline": "", "display": true}}
      """;

  static final String IMPORT =
      """
      {"url": "https://images.example.org/debian-12.qcow2",
       "expectedDigest": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
      """;

  private RequestExamples() {}
}
