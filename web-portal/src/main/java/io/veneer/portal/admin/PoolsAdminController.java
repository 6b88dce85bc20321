package io.veneer.portal.admin;

import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.Pool;
import io.veneer.portal.backend.ControlPlaneViews.PoolSpec;
import io.veneer.portal.backend.ControlPlaneViews.Resources;
import io.veneer.portal.backend.GoldenImageViews.Image;
import io.veneer.portal.backend.GoldenImages;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** Pools: create, change size and entitlements, roll to another published golden version. */
@Controller
class PoolsAdminController {

  private final ControlPlane controlPlane;
  private final GoldenImages images;

  PoolsAdminController(ControlPlane controlPlane, GoldenImages images) {
    this.controlPlane = controlPlane;
    this.images = images;
  }

  /** What the pool form sends; entitlements as comma- or space-separated names. */
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
          names(entitledGroups));
    }

    private static Set<String> names(String list) {
      return list == null
          ? Set.of()
          : Arrays.stream(list.split("[,\\s]+"))
              .filter(s -> !s.isBlank())
              .collect(Collectors.toSet());
    }
  }

  /** A published version an admin can put a pool on. */
  record GoldenChoice(String imageId, String versionId, String label) {}

  @GetMapping("/admin/pools")
  String pools(Model model) {
    model.addAttribute("pools", controlPlane.pools());
    model.addAttribute("choices", publishedVersions());
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
    model.addAttribute("pool", pool);
    model.addAttribute("choices", publishedVersions());
    return "admin/pool";
  }

  /** A new spec: a different golden version rolls the pool's desktops over to it. */
  @PostMapping("/admin/pools/{id}")
  String update(@PathVariable UUID id, @ModelAttribute PoolForm form) {
    controlPlane.updatePool(id, form.toSpec(imageOf(form.goldenVersion())));
    return "redirect:/admin/pools";
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
