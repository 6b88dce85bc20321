package io.veneer.portal.admin;

import io.veneer.portal.backend.ControlPlane;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** Hosts: capacity and state, and the admin's orders (maintenance, drain, resume). */
@Controller
class HostsAdminController {

  private final ControlPlane controlPlane;

  HostsAdminController(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  @GetMapping("/admin/hosts")
  String hosts(Model model) {
    model.addAttribute("hosts", controlPlane.hosts());
    return "admin/hosts";
  }

  @PostMapping("/admin/hosts/{id}/{order:maintenance|drain|resume}")
  String order(@PathVariable String id, @PathVariable String order, Model model) {
    controlPlane.orderHost(id, order);
    model.addAttribute("hosts", controlPlane.hosts());
    return "admin/hosts :: table";
  }
}
