package io.veneer.controlplane.api.rest;

/** Example request bodies, shown in the OpenAPI document (and Swagger UI's "Try it out"). */
final class RequestExamples {

  static final String POOL =
      """
      {"name": "engineering", "kind": "POOLED", "goldenImage": "debian-12",
       "goldenVersion": "3", "size": {"vcpus": 2, "memoryMib": 4096, "diskGib": 20},
       "minSize": 2, "maxSize": 20, "warmSpares": 2, "maxConcurrentRefresh": 2,
       "entitledUsers": ["alice"], "entitledGroups": ["engineering"],
       "hardware": {"machine": "q35", "firmware": "uefi", "bootMode": "disk", "display": true},
       "power": {"idleShutdownMinutes": 60, "schedule": {"zone": "Europe/Paris", "periods": [
         {"days": ["MON", "TUE", "WED", "THU", "FRI"], "from": "07:00", "until": "19:00",
          "minSize": 5, "warmSpares": 2},
         {"days": ["MON", "TUE", "WED", "THU", "FRI"], "from": "08:30", "until": "10:00",
          "minSize": 0, "warmSpares": 6}]}}}
      """;

  static final String QUOTA =
      """
      {"maxDesktops": 2, "maxVcpus": 8, "maxMemoryMib": 16384}
      """;

  static final String DESKTOP =
      """
      {"poolId": "6f1c2b7e-4d7a-4c39-9a53-0c5e2f6a1b2d"}
      """;

  static final String HOST =
      """
      {"hostId": "hv-07", "capacity": {"vcpus": 64, "memoryMib": 262144, "diskGib": 4000},
       "labels": {"gpu": "none"}, "zone": "rack-3"}
      """;

  static final String REDEMPTION =
      """
      {"ticket": "3q2+7w8Kp0yZ5Yl1mC4r9Q", "subject": "5f0c1a2e-alice"}
      """;

  private RequestExamples() {}
}
