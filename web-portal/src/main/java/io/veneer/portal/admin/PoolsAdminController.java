package io.veneer.portal.admin;

import io.veneer.portal.backend.BackendProblem;
import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.DirectoryUser;
import io.veneer.portal.backend.ControlPlaneViews.Placement;
import io.veneer.portal.backend.ControlPlaneViews.Pool;
import io.veneer.portal.backend.ControlPlaneViews.PoolSpec;
import io.veneer.portal.backend.ControlPlaneViews.Power;
import io.veneer.portal.backend.ControlPlaneViews.Resources;
import io.veneer.portal.backend.ControlPlaneViews.Schedule;
import io.veneer.portal.backend.GoldenImageViews.Image;
import io.veneer.portal.backend.GoldenImages;
import io.veneer.portal.web.PortalRefusal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Pools: create, change size and entitlements, roll to another published golden version. */
@Controller
class PoolsAdminController {

  private static final int MAX_FOUND = 20;

  private final ControlPlane controlPlane;
  private final GoldenImages images;
  private final PoolWatch watch;

  PoolsAdminController(ControlPlane controlPlane, GoldenImages images, PoolWatch watch) {
    this.controlPlane = controlPlane;
    this.images = images;
    this.watch = watch;
  }

  /**
   * What the pool form sends. Entitlements come as one value per ticked box, which Spring joins
   * with commas, or, when the directory could not be read, as typed: comma- or space-separated.
   */
  record PoolForm(
      String name,
      String kind,
      String goldenVersion,
      long vcpus,
      long memoryMib,
      long diskGib,
      int minSize,
      int maxSize,
      int warmSpares,
      int maxConcurrentRefresh,
      String entitledUsers,
      String entitledGroups,
      String requiredLabels,
      String requiredZone,
      String placementStrategy,
      Integer idleShutdownMinutes,
      String scheduleZone,
      String schedulePeriods,
      Long userDataDiskGib,
      String requestKey) {

    PoolSpec toSpec(String goldenImage) {
      return new PoolSpec(
          name,
          kind,
          goldenImage,
          goldenVersion,
          "",
          new Resources(vcpus, memoryMib, diskGib),
          minSize,
          maxSize,
          warmSpares,
          Math.max(1, maxConcurrentRefresh),
          names(entitledUsers),
          names(entitledGroups),
          new Placement(
              labels(requiredLabels),
              requiredZone == null ? "" : requiredZone.strip(),
              placementStrategy == null ? "" : placementStrategy),
          new Power(
              idleShutdownMinutes == null ? 0 : idleShutdownMinutes,
              new Schedule(
                  scheduleZone == null ? "" : scheduleZone.strip(),
                  SchedulePeriodsText.parse(schedulePeriods))),
          userDataDiskGib == null ? 0 : userDataDiskGib);
    }

    /**
     * Labels as typed, {@code gpu=true, ssd=yes}; one without {@code =} is refused here, the rest
     * the control plane judges.
     */
    private static Map<String, String> labels(String typed) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (String pair : names(typed)) {
        int equals = pair.indexOf('=');
        if (equals < 1) {
          throw new PortalRefusal(
              400,
              "Not a label",
              "Required labels are key=value pairs such as gpu=true; '" + pair + "' is not one");
        }
        labels.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
      return labels;
    }

    private static Set<String> names(String list) {
      return list == null
          ? Set.of()
          : Arrays.stream(list.split("[,\\s]+"))
              .filter(s -> !s.isBlank())
              .collect(Collectors.toSet());
    }
  }

  /** One person or group the form offers to entitle: its value, what it shows, whether ticked. */
  record Choice(String value, String label, boolean checked) {

    static Choice of(DirectoryUser user, boolean checked) {
      String label = user.username() + (user.email() == null ? "" : " (" + user.email() + ")");
      return new Choice(user.id(), label, checked);
    }
  }

  /**
   * The form's entitlement choices from the control plane's directory (Keycloak), each already
   * entitled one ticked, those the directory does not list kept as ticked ids; {@code problem} says
   * why the directory could not be read, and the form then takes ids typed by hand.
   */
  record EntitlementChoices(List<Choice> users, List<Choice> groups, String problem) {

    static final int MAX_USERS = 200;

    static EntitlementChoices of(ControlPlane controlPlane, PoolSpec spec) {
      Set<String> users = spec == null ? Set.of() : spec.entitledUsers();
      Set<String> groups = spec == null ? Set.of() : spec.entitledGroups();
      try {
        Map<String, Choice> userChoices = new LinkedHashMap<>();
        for (DirectoryUser user : controlPlane.directoryUsers("", MAX_USERS)) {
          userChoices.put(user.id(), Choice.of(user, users.contains(user.id())));
        }
        users.forEach(id -> userChoices.putIfAbsent(id, new Choice(id, id, true)));
        Map<String, Choice> groupChoices = new LinkedHashMap<>();
        for (String group : controlPlane.directoryGroups()) {
          groupChoices.put(group, new Choice(group, group, groups.contains(group)));
        }
        groups.forEach(g -> groupChoices.putIfAbsent(g, new Choice(g, g, true)));
        return new EntitlementChoices(
            List.copyOf(userChoices.values()), List.copyOf(groupChoices.values()), null);
      } catch (BackendProblem p) {
        return new EntitlementChoices(List.of(), List.of(), p.detail());
      } catch (ResourceAccessException e) {
        return new EntitlementChoices(
            List.of(), List.of(), "The control plane could not be reached: " + e.getMessage());
      }
    }
  }

  /**
   * People the directory finds by part of their user name, name or email, to tick on the pool form:
   * for directories larger than the form's first {@value EntitlementChoices#MAX_USERS}.
   */
  @GetMapping("/admin/pools/directory-users")
  String findUsers(@RequestParam(defaultValue = "") String search, Model model) {
    String term = search.strip();
    model.addAttribute("search", term);
    model.addAttribute("problem", null);
    List<Choice> found = List.of();
    if (!term.isEmpty()) {
      try {
        found =
            controlPlane.directoryUsers(term, MAX_FOUND).stream()
                .map(user -> Choice.of(user, false))
                .toList();
      } catch (BackendProblem p) {
        model.addAttribute("problem", p.detail());
      } catch (ResourceAccessException e) {
        model.addAttribute("problem", "The control plane could not be reached: " + e.getMessage());
      }
    }
    model.addAttribute("found", found);
    return "admin/pool-fields :: found";
  }

  /** A published version an admin can put a pool on. */
  record GoldenChoice(String imageId, String versionId, String label) {}

  @GetMapping("/admin/pools")
  String pools(Model model) {
    model.addAttribute("pools", controlPlane.pools());
    model.addAttribute("choices", publishedVersions());
    model.addAttribute("entitlements", EntitlementChoices.of(controlPlane, null));
    model.addAttribute("requestKey", UUID.randomUUID().toString());
    return "admin/pools";
  }

  @PostMapping("/admin/pools")
  String create(@ModelAttribute PoolForm form) {
    controlPlane.createPool(form.toSpec(imageOf(form.goldenVersion())), form.requestKey());
    return "redirect:/admin/pools";
  }

  @GetMapping("/admin/pools/{id}")
  String edit(@PathVariable UUID id, Model model) {
    Pool pool = controlPlane.pool(id);
    List<GoldenChoice> choices = publishedVersions();
    model.addAttribute("pool", pool);
    model.addAttribute("choices", choices);
    model.addAttribute("versionLabel", label(pool.spec().goldenVersion(), choices));
    model.addAttribute("entitlements", EntitlementChoices.of(controlPlane, pool.spec()));
    return "admin/pool";
  }

  /**
   * The pool's rollout section, read again when the page hears that the pool changed: one call to
   * the control plane, none to the image service, since it comes with every desktop event.
   */
  @GetMapping("/admin/pools/{id}/rollout")
  String rollout(@PathVariable UUID id, Model model) {
    model.addAttribute("pool", controlPlane.pool(id));
    return "admin/pool :: rollout";
  }

  @GetMapping(path = "/admin/pools/{id}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter live(@PathVariable UUID id) {
    return watch.open(id);
  }

  private static String label(String versionId, List<GoldenChoice> choices) {
    return choices.stream()
        .filter(c -> c.versionId().equals(versionId))
        .map(GoldenChoice::label)
        .findFirst()
        .orElse(versionId);
  }

  /**
   * A new spec: a different golden version rolls the pool's desktops over to it, which the pool's
   * page, shown next, follows.
   */
  @PostMapping("/admin/pools/{id}")
  String update(@PathVariable UUID id, @ModelAttribute PoolForm form) {
    controlPlane.updatePool(id, form.toSpec(imageOf(form.goldenVersion())));
    return "redirect:/admin/pools/" + id;
  }

  private List<GoldenChoice> publishedVersions() {
    Map<String, GoldenChoice> choices = new LinkedHashMap<>();
    for (Image image : images.images()) {
      images.versions(image.id()).stream()
          .filter(v -> "PUBLISHED".equals(v.state()))
          .forEach(
              v ->
                  choices.put(
                      v.id().toString(),
                      new GoldenChoice(
                          image.id().toString(),
                          v.id().toString(),
                          image.name() + " v" + v.number())));
    }
    return List.copyOf(choices.values());
  }

  private String imageOf(String versionId) {
    return publishedVersions().stream()
        .filter(c -> c.versionId().equals(versionId))
        .map(GoldenChoice::imageId)
        .findFirst()
        .orElse("");
  }
}
