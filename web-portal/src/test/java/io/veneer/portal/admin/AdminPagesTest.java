package io.veneer.portal.admin;

import static io.veneer.portal.testing.DesktopEvents.transition;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.events.v1.DesktopEvent;
import io.veneer.events.v1.EventHeader;
import io.veneer.events.v1.HostEvent;
import io.veneer.portal.testing.FakeHttpServer.Call;
import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.SseReader;
import io.veneer.portal.testing.TestPortal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The admin pages over real HTTP against the in-test control plane and image service. */
class AdminPagesTest {

  private static final TestPortal portal = TestPortal.get();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int PIECE = 256 * 1024;

  private final PortalSession admin = PortalSession.login(portal, "root", Set.of("admin", "user"));

  @Test
  void imageUploadedInPiecesReachesTheImageServiceWholeWithItsProgress() {
    UUID imageId = createImage("upload-" + UUID.randomUUID().toString().substring(0, 6));
    byte[] disk = new byte[3 * PIECE + 1234];
    new Random(7).nextBytes(disk);

    Map<?, ?> version =
        json(admin.postBytes("/admin/images/" + imageId + "/uploads", new byte[0], Map.of()));
    String uploads = "/admin/images/" + imageId + "/uploads/" + version.get("id");
    long offset = 0;
    for (int from = 0; from < disk.length; from += PIECE) {
      byte[] piece = Arrays.copyOfRange(disk, from, Math.min(from + PIECE, disk.length));
      Map<?, ?> answer =
          json(admin.postBytes(uploads, piece, Map.of("Upload-Offset", Long.toString(offset))));
      assertThat(((Number) answer.get("bytesReceived")).longValue())
          .isEqualTo(offset + piece.length);
      offset += piece.length;
    }
    Map<?, ?> done = json(admin.postBytes(uploads + "/complete", new byte[0], Map.of()));

    assertThat(done.get("state")).isEqualTo("AVAILABLE");
    assertThat(portal.images().content(UUID.fromString((String) version.get("id"))))
        .isEqualTo(disk);
  }

  @Test
  void aPieceAtTheWrongOffsetIsRefusedWithTheOffsetToResumeAt() {
    UUID imageId = createImage("resume-" + UUID.randomUUID().toString().substring(0, 6));
    Map<?, ?> version =
        json(admin.postBytes("/admin/images/" + imageId + "/uploads", new byte[0], Map.of()));
    String uploads = "/admin/images/" + imageId + "/uploads/" + version.get("id");
    admin.postBytes(uploads, new byte[100], Map.of("Upload-Offset", "0"));

    HttpResponse<String> wrong =
        admin.postBytes(uploads, new byte[100], Map.of("Upload-Offset", "0"));

    assertThat(wrong.statusCode()).isEqualTo(409);
    assertThat(wrong.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    assertThat(json(wrong).get("detail").toString()).contains("resume at 100");
    assertThat(json(admin.get(uploads)).get("bytesReceived")).isEqualTo(100);
  }

  @Test
  void versionsArePublishedAndDeprecatedFromTheImagePage() {
    UUID versionId = portal.images().addImageWithVersion("publish-me", "AVAILABLE");
    String imageId = portal.images().version(versionId).get("imageId").toString();
    String page = admin.get("/admin/images/" + imageId).body();
    assertThat(page).contains("Publish", "<progress id=\"upload-progress\"");
    assertThat(page)
        .as("every format the image service exports to is offered, Parallels and OVA included")
        .contains(
            "value=\"vhdx\"",
            "value=\"vhd\"",
            "value=\"vmdk\"",
            "value=\"vdi\"",
            "value=\"hds\"",
            "value=\"ova\"",
            "value=\"raw\"",
            "value=\"qcow2\"");

    HttpResponse<String> published =
        admin.post("/admin/images/" + imageId + "/versions/" + versionId + "/publish", Map.of());
    assertThat(published.body()).contains("PUBLISHED", "Deprecate");

    HttpResponse<String> again =
        admin.post("/admin/images/" + imageId + "/versions/" + versionId + "/publish", Map.of());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("Version is PUBLISHED; it cannot become PUBLISHED");

    admin.post("/admin/images/" + imageId + "/versions/" + versionId + "/deprecate", Map.of());
    assertThat(portal.images().version(versionId)).containsEntry("state", "DEPRECATED");
  }

  @Test
  void poolIsCreatedOnAPublishedVersionAndRolledToAnother() {
    UUID first = portal.images().addImageWithVersion("roll-a", "PUBLISHED");
    UUID second = portal.images().addImageWithVersion("roll-b", "PUBLISHED");
    String name = "pool-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> form = new java.util.HashMap<>(poolForm(name, first));
    form.put("requestKey", "create-" + name);

    HttpResponse<String> created = admin.post("/admin/pools", form);
    assertThat(created.statusCode()).isEqualTo(302);
    Map<String, Object> pool = portal.controlPlane().poolNamed(name).orElseThrow();
    assertThat(spec(pool))
        .containsEntry("goldenVersion", first.toString())
        .containsEntry("entitledUsers", List.of("ann"));

    HttpResponse<String> rolled =
        admin.post("/admin/pools/" + pool.get("id"), poolForm(name, second));
    assertThat(rolled.headers().firstValue("Location"))
        .as("the pool's page follows the roll")
        .hasValueSatisfying(l -> assertThat(l).endsWith("/admin/pools/" + pool.get("id")));

    assertThat(spec(portal.controlPlane().pool(UUID.fromString(pool.get("id").toString()))))
        .containsEntry("goldenVersion", second.toString())
        .containsEntry("maxSize", 8);
  }

  @Test
  void aPoolsPlacementRulesAreSetAndKeptThroughThePoolForm() {
    UUID version = portal.images().addImageWithVersion("placed", "PUBLISHED");
    String name = "gpu-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> form = new java.util.HashMap<>(poolForm(name, version));
    form.put("requiredLabels", "gpu=true, ssd=yes");
    form.put("requiredZone", "rack-3");
    form.put("placementStrategy", "pack");
    form.put("requestKey", "create-" + name);

    assertThat(admin.post("/admin/pools", form).statusCode()).isEqualTo(302);

    Map<String, Object> pool = portal.controlPlane().poolNamed(name).orElseThrow();
    assertThat(spec(pool).get("placement"))
        .isEqualTo(
            Map.of(
                "requiredLabels",
                Map.of("gpu", "true", "ssd", "yes"),
                "requiredZone",
                "rack-3",
                "strategy",
                "pack"));
    assertThat(admin.get("/admin/pools/" + pool.get("id")).body())
        .as("the edit form shows them, so saving it keeps them")
        .contains("value=\"gpu=true, ssd=yes\"", "value=\"rack-3\"", "value=\"pack\" selected");

    form.put("requiredLabels", "gpu");
    HttpResponse<String> refused = admin.post("/admin/pools/" + pool.get("id"), form);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("key=value pairs");
  }

  @Test
  void aPoolsUserDataDiskSizeIsSetAndKeptThroughThePoolForm() {
    UUID version = portal.images().addImageWithVersion("with-data", "PUBLISHED");
    String name = "data-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> form = new java.util.HashMap<>(poolForm(name, version));
    form.put("userDataDiskGib", "20");
    form.put("requestKey", "create-" + name);

    assertThat(admin.post("/admin/pools", form).statusCode()).isEqualTo(302);

    Map<String, Object> pool = portal.controlPlane().poolNamed(name).orElseThrow();
    assertThat(((Number) spec(pool).get("userDataDiskGib")).longValue()).isEqualTo(20);
    assertThat(admin.get("/admin/pools/" + pool.get("id")).body())
        .as("the edit form shows it, so saving it keeps it")
        .contains("name=\"userDataDiskGib\"", "value=\"20\"");
  }

  @Test
  void aPoolsIdleTimeAndScheduleAreSetAndKeptThroughThePoolForm() {
    UUID version = portal.images().addImageWithVersion("scheduled", "PUBLISHED");
    String name = "office-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> form = new java.util.HashMap<>(poolForm(name, version));
    form.put("idleShutdownMinutes", "45");
    form.put("scheduleZone", "Europe/Paris");
    form.put("schedulePeriods", "MON-FRI 07:00-19:00 min=3\r\nsat 9:00-12:00 warm=1");
    form.put("requestKey", "create-" + name);

    assertThat(admin.post("/admin/pools", form).statusCode()).isEqualTo(302);

    Map<String, Object> pool = portal.controlPlane().poolNamed(name).orElseThrow();
    assertThat(spec(pool).get("power"))
        .isEqualTo(
            Map.of(
                "idleShutdownMinutes",
                45,
                "schedule",
                Map.of(
                    "zone",
                    "Europe/Paris",
                    "periods",
                    List.of(
                        Map.of(
                            "days",
                            List.of("MON", "TUE", "WED", "THU", "FRI"),
                            "from",
                            "07:00",
                            "until",
                            "19:00",
                            "minSize",
                            3,
                            "warmSpares",
                            0),
                        Map.of(
                            "days",
                            List.of("SAT"),
                            "from",
                            "09:00",
                            "until",
                            "12:00",
                            "minSize",
                            0,
                            "warmSpares",
                            1)))));
    assertThat(admin.get("/admin/pools/" + pool.get("id")).body())
        .as("the edit form shows them, so saving it keeps them")
        .contains(
            "value=\"45\"",
            "value=\"Europe/Paris\"",
            "MON,TUE,WED,THU,FRI 07:00-19:00 min=3 warm=0\nSAT 09:00-12:00 min=0 warm=1");

    form.put("schedulePeriods", "weekdays from seven");
    HttpResponse<String> refused = admin.post("/admin/pools/" + pool.get("id"), form);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("Schedule line 1", "MON-FRI 07:00-19:00 min=5 warm=2");
  }

  @Test
  void thePoolFormOffersTheDirectorysPeopleAndGroupsAndEntitlesTheTickedOnesByKeycloakId() {
    String ann = UUID.randomUUID().toString();
    String ben = UUID.randomUUID().toString();
    portal.controlPlane().addDirectoryUser(ann, "ann");
    portal.controlPlane().addDirectoryUser(ben, "ben");
    portal.controlPlane().addDirectoryGroup("engineering");
    UUID version = portal.images().addImageWithVersion("picker", "PUBLISHED");

    String page = admin.get("/admin/pools").body();
    assertThat(page)
        .contains("value=\"" + ann + "\"", "ann (ann@example.test)")
        .contains("value=\"" + ben + "\"", "value=\"engineering\"")
        .doesNotContain("directory-problem");

    String name = "picked-" + UUID.randomUUID().toString().substring(0, 6);
    List<Map.Entry<String, String>> form = new java.util.ArrayList<>();
    poolForm(name, version).entrySet().stream()
        .filter(e -> !e.getKey().startsWith("entitled"))
        .forEach(form::add);
    form.add(Map.entry("entitledUsers", ann));
    form.add(Map.entry("entitledUsers", ben));
    form.add(Map.entry("entitledGroups", "engineering"));
    form.add(Map.entry("requestKey", "create-" + name));
    assertThat(admin.post("/admin/pools", form).statusCode()).isEqualTo(302);

    Map<String, Object> pool = portal.controlPlane().poolNamed(name).orElseThrow();
    assertThat(spec(pool).get("entitledUsers"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrder(ann, ben);
    assertThat(spec(pool)).containsEntry("entitledGroups", List.of("engineering"));
    assertThat(admin.get("/admin/pools/" + pool.get("id")).body())
        .as("the edit form shows them ticked")
        .containsPattern("value=\"" + ann + "\"\\s+checked");
  }

  @Test
  void whenTheDirectoryCannotBeReadThePoolFormSaysWhyAndTakesTypedIds() {
    portal.controlPlane().directoryDown(true);
    try {
      String page = admin.get("/admin/pools").body();
      assertThat(page)
          .contains("directory-problem", "Keycloak did not answer", "id=\"pool-users\"")
          .contains("Keycloak user ids");
    } finally {
      portal.controlPlane().directoryDown(false);
    }
  }

  @Test
  void theDirectorySearchFindsPeopleByPartOfTheirNameOrEmailForThePoolForm() {
    String run = UUID.randomUUID().toString().substring(0, 6);
    String zoe = UUID.randomUUID().toString();
    portal.controlPlane().addDirectoryUser(zoe, "zoe-" + run);
    portal.controlPlane().addDirectoryUser(UUID.randomUUID().toString(), "yan-" + run);
    portal.images().addImageWithVersion("search-" + run, "PUBLISHED");
    assertThat(admin.get("/admin/pools").body())
        .contains("id=\"user-search\"", "hx-get=\"/admin/pools/directory-users\"");

    String found = admin.get("/admin/pools/directory-users?search=ZOE-" + run).body();

    assertThat(found)
        .contains("name=\"entitledUsers\"", "value=\"" + zoe + "\"", "zoe-" + run + "@example.test")
        .doesNotContain("yan-" + run);
    assertThat(admin.get("/admin/pools/directory-users?search=nobody-" + run).body())
        .contains("Nobody in the directory matches “nobody-" + run + "”.");
    assertThat(admin.get("/admin/pools/directory-users?search=").body())
        .as("an empty search lists nobody")
        .doesNotContain("type=\"checkbox\"");
  }

  @Test
  void whenTheDirectoryCannotBeSearchedTheResultsSayWhy() {
    portal.controlPlane().directoryDown(true);
    try {
      assertThat(admin.get("/admin/pools/directory-users?search=zoe").body())
          .contains("The directory could not be searched", "Keycloak did not answer");
    } finally {
      portal.controlPlane().directoryDown(false);
    }
  }

  @Test
  void aPoolPageShowsHowFarItsRollHasComeAndHearsWhenItsDesktopsChange() {
    UUID pool = portal.controlPlane().addPool("rolling-" + UUID.randomUUID(), Set.of("ann"));
    UUID current = portal.controlPlane().addDesktop("ann", pool, "RUNNING", null);
    portal.controlPlane().addDesktop("ben", pool, "RUNNING", null);
    UUID refreshing = portal.controlPlane().addDesktop("cid", pool, "REFRESHING", null);
    spec(portal.controlPlane().pool(pool)).put("goldenVersion", "v2");
    portal.controlPlane().desktop(current).put("goldenVersion", "v2");
    portal.controlPlane().desktop(refreshing).put("goldenVersion", "v2");

    assertThat(admin.get("/admin/pools/" + pool).body())
        .contains("1 of 3 desktops on this version (33%)")
        .containsPattern("<progress id=\"rollout-progress\" max=\"3\"\\s+value=\"1\"")
        .contains("Being refreshed now: 1", "In use, refreshed when their user logs off: 1")
        .contains("data-live=\"/admin/pools/" + pool + "/live\"");
    assertThat(admin.get("/admin/pools").body()).contains("1 of 3 (rolling)");

    try (SseReader live = new SseReader(admin.stream("/admin/pools/" + pool + "/live"))) {
      portal.publish(
          transition(
              UUID.randomUUID(), UUID.randomUUID(), "ann", "RUNNING", "STOPPED", Instant.now()));
      DesktopEvent refreshed =
          transition(refreshing, pool, "cid", "REFRESHING", "RUNNING", Instant.now());
      portal.publish(refreshed);

      assertThat(live.await(e -> e.name().equals("changed"), Duration.ofSeconds(15)))
          .as("told of its own desktop's change, not of another pool's")
          .hasValueSatisfying(
              e -> assertThat(e.data()).isEqualTo(refreshed.getHeader().getEventId()));
    }
    portal.controlPlane().desktop(refreshing).put("state", "RUNNING");
    assertThat(admin.get("/admin/pools/" + pool + "/rollout").body())
        .contains("2 of 3 desktops on this version (66%)")
        .doesNotContain("<html");
  }

  @Test
  void hostsShowWhatTheirDesktopsClaimAgainstWhatMayBePromised() {
    portal.controlPlane().addHost("host-busy", "UP");
    portal.controlPlane().hostUsage("host-busy", 3, 3, 768, 3);

    String page = admin.get("/admin/hosts").body();

    assertThat(page)
        .contains("id=\"vcpu-host-busy\"", "3 of 64 vCPU", "768 of 65536 MiB", "3 of 500 GiB")
        .containsPattern("<meter id=\"memory-host-busy\" min=\"0\" max=\"65536\"\\s+value=\"768\"")
        .containsPattern("<td class=\"desktops\">3</td>");
  }

  @Test
  void quotasShowWhatTheirHoldersHoldAgainstTheLimit() {
    String group = "quota-team-" + UUID.randomUUID().toString().substring(0, 6);
    admin.post(
        "/admin/quotas",
        Map.of(
            "kind",
            "group",
            "name",
            group,
            "maxDesktops",
            "4",
            "maxVcpus",
            "",
            "maxMemoryMib",
            ""));
    portal.controlPlane().quotaUsage("group", group, 3, 6, 12_288);

    String page = admin.get("/admin/quotas").body();

    assertThat(page)
        .contains("group " + group, "3 of 4", "6 vCPU, no limit", "12288 MiB, no limit")
        .containsPattern(
            "<meter id=\"desktops-group-" + group + "\" min=\"0\" max=\"4\"\\s+value=\"3\"");
  }

  @Test
  void adminsSetAndRemoveQuotasAndTheControlPlaneJudgesThem() {
    String user = "quota-user-" + UUID.randomUUID().toString().substring(0, 6);

    HttpResponse<String> set =
        admin.post(
            "/admin/quotas",
            Map.of(
                "kind",
                "user",
                "name",
                user,
                "maxDesktops",
                "",
                "maxVcpus",
                "8",
                "maxMemoryMib",
                ""));

    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.body()).contains("user " + user, "0 of 8 vCPU", "0, no limit");
    Map<?, ?> limits =
        (Map<?, ?>) portal.controlPlane().quota("user", user).orElseThrow().get("limits");
    assertThat(limits.get("maxVcpus")).isEqualTo(8);
    assertThat(limits.get("maxDesktops")).isNull();

    HttpResponse<String> noLimit =
        admin.post(
            "/admin/quotas",
            Map.of(
                "kind",
                "user",
                "name",
                user,
                "maxDesktops",
                "",
                "maxVcpus",
                "",
                "maxMemoryMib",
                ""));
    assertThat(noLimit.statusCode()).isEqualTo(400);
    assertThat(noLimit.body()).contains("at least one of maxDesktops");

    HttpResponse<String> notANumber =
        admin.post(
            "/admin/quotas",
            Map.of(
                "kind",
                "user",
                "name",
                user,
                "maxDesktops",
                "two",
                "maxVcpus",
                "",
                "maxMemoryMib",
                ""));
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(notANumber.body()).contains("Desktops must be a whole number");

    HttpResponse<String> removed = admin.post("/admin/quotas/user/" + user + "/delete", Map.of());
    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(removed.body()).doesNotContain(user);
    assertThat(portal.controlPlane().quota("user", user)).isEmpty();
    assertThat(portal.controlPlane().calls())
        .extracting(Call::method, Call::path, Call::user)
        .contains(
            org.assertj.core.groups.Tuple.tuple("PUT", "/api/v1/quotas/user/" + user, "root"),
            org.assertj.core.groups.Tuple.tuple("DELETE", "/api/v1/quotas/user/" + user, "root"));
  }

  @Test
  void hostOrdersReachTheControlPlaneAndTheTableShowsTheNewState() {
    portal.controlPlane().addHost("host-drain-me", "UP");
    assertThat(admin.get("/admin/hosts").body()).contains("host-drain-me", "16 vCPU");

    HttpResponse<String> drained = admin.post("/admin/hosts/host-drain-me/drain", Map.of());

    assertThat(drained.body()).contains("DRAINING", "Resume host host-drain-me");
    assertThat(portal.controlPlane().calls())
        .extracting(Call::path, Call::user)
        .contains(org.assertj.core.groups.Tuple.tuple("/api/v1/hosts/host-drain-me/drain", "root"));
  }

  @Test
  void liveFeedShowsHostEventsAsTheyHappen() {
    try (SseReader feed = new SseReader(admin.stream("/admin/events/live"))) {
      portal.publish(
          "veneer.hosts.v1",
          "host-9",
          HostEvent.newBuilder()
              .setHeader(
                  EventHeader.newBuilder()
                      .setEventId(UUID.randomUUID().toString())
                      .setAggregateId("host-9")
                      .setActor("agent:host-9"))
              .setType("io.veneer.host.state-changed")
              .setFromState("UP")
              .setToState("UNREACHABLE")
              .setReason("no heartbeat for 30 s")
              .build()
              .toByteArray());

      assertThat(feed.await(e -> e.data().contains("host-9"), Duration.ofSeconds(15)))
          .hasValueSatisfying(
              e ->
                  assertThat(e.data())
                      .contains(
                          "UP \u2192 UNREACHABLE", "no heartbeat for 30 s", "by agent:host-9"));
    }
  }

  private UUID createImage(String name) {
    HttpResponse<String> created = admin.post("/admin/images", Map.of("name", name, "os", "linux"));
    assertThat(created.statusCode()).isEqualTo(302);
    Matcher id =
        Pattern.compile("/admin/images/([0-9a-f-]{36})")
            .matcher(created.headers().firstValue("Location").orElseThrow());
    assertThat(id.find()).isTrue();
    return UUID.fromString(id.group(1));
  }

  private static Map<String, String> poolForm(String name, UUID version) {
    return Map.ofEntries(
        Map.entry("name", name),
        Map.entry("kind", "POOLED"),
        Map.entry("goldenVersion", version.toString()),
        Map.entry("vcpus", "1"),
        Map.entry("memoryMib", "512"),
        Map.entry("diskGib", "4"),
        Map.entry("minSize", "0"),
        Map.entry("maxSize", "8"),
        Map.entry("warmSpares", "1"),
        Map.entry("maxConcurrentRefresh", "2"),
        Map.entry("entitledUsers", "ann"),
        Map.entry("entitledGroups", ""));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> pool) {
    return (Map<String, Object>) pool.get("spec");
  }

  private static Map<?, ?> json(HttpResponse<String> response) {
    return JSON.readValue(response.body(), Map.class);
  }
}
