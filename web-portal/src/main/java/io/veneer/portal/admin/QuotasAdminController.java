package io.veneer.portal.admin;

import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.QuotaLimits;
import io.veneer.portal.web.PortalRefusal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Quotas: what each user, or each group's members together, may hold at once, beside what they
 * hold; admins set and remove them. The control plane judges the limits; this page only reads the
 * form's numbers.
 */
@Controller
class QuotasAdminController {

  private final ControlPlane controlPlane;

  QuotasAdminController(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  @GetMapping("/admin/quotas")
  String quotas(Model model) {
    model.addAttribute("quotas", controlPlane.quotas());
    return "admin/quotas";
  }

  /** Sets a quota; a blank limit is no limit. htmx swaps the table, a plain form reloads. */
  @PostMapping("/admin/quotas")
  String set(
      @RequestParam String kind,
      @RequestParam String name,
      @RequestParam(defaultValue = "") String maxDesktops,
      @RequestParam(defaultValue = "") String maxVcpus,
      @RequestParam(defaultValue = "") String maxMemoryMib,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model) {
    Integer memory = whole(maxMemoryMib, "Memory (MiB)");
    QuotaLimits limits =
        new QuotaLimits(
            whole(maxDesktops, "Desktops"),
            whole(maxVcpus, "vCPUs"),
            memory == null ? null : memory.longValue());
    controlPlane.setQuota(kind, name.strip(), limits);
    return answer(htmx, model);
  }

  @PostMapping("/admin/quotas/{kind:user|group}/{name}/delete")
  String delete(
      @PathVariable String kind,
      @PathVariable String name,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model) {
    controlPlane.deleteQuota(kind, name);
    return answer(htmx, model);
  }

  private String answer(String htmx, Model model) {
    if (htmx == null) {
      return "redirect:/admin/quotas";
    }
    model.addAttribute("quotas", controlPlane.quotas());
    return "admin/quotas :: table";
  }

  /** A limit as typed: blank is none; anything but a whole number is refused here. */
  private static Integer whole(String typed, String field) {
    if (typed.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(typed.strip());
    } catch (NumberFormatException e) {
      throw new PortalRefusal(
          400,
          "Not a whole number",
          field + " must be a whole number, or left blank for no limit; '" + typed + "' is not");
    }
  }
}
