package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.ConsoleTicket;
import io.veneer.portal.security.PortalUser;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The console page: asks the control plane, as the person, for a single-use ticket to the desktop's
 * console. The control plane decides: someone else's desktop is 404, one that is not running or has
 * no display 409 with its reason (shown in words); the page hands the ticket to noVNC.
 */
@Controller
class ConsoleController {

  private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);

  private final ControlPlane controlPlane;

  ConsoleController(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  @GetMapping("/desktops/{id}/console")
  String console(@PathVariable UUID id, Authentication authentication, Model model) {
    ConsoleTicket ticket = controlPlane.consoleTicket(id);
    log.info(
        "event=console.ticket-issued desktop={} user={} expires={}",
        id,
        PortalUser.of(authentication).username(),
        ticket.expiresAt());
    model.addAttribute("desktopId", id);
    model.addAttribute("ticket", ticket.ticket());
    return "console";
  }
}
