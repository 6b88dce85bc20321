package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.Desktop;
import io.veneer.portal.security.PortalUser;
import io.veneer.portal.web.PortalRefusal;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The console page: asks the control plane (as the person) for the desktop, so someone else's
 * desktop is a 404 there, and issues a ticket for this person and this desktop only.
 */
@Controller
class ConsoleController {

  private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);

  private final ControlPlane controlPlane;
  private final ConsoleTickets tickets;

  ConsoleController(ControlPlane controlPlane, ConsoleTickets tickets) {
    this.controlPlane = controlPlane;
    this.tickets = tickets;
  }

  @GetMapping("/desktops/{id}/console")
  String console(@PathVariable UUID id, Authentication authentication, Model model) {
    String me = PortalUser.of(authentication).username();
    Desktop desktop = controlPlane.desktop(id);
    if (!me.equals(desktop.owner())) {
      // Admins may see every desktop through the API, but a console is its user's alone.
      throw new PortalRefusal(
          403,
          "Not your desktop",
          "This desktop belongs to someone else; only its user can open its console.");
    }
    if (!"RUNNING".equals(desktop.state())) {
      throw new PortalRefusal(
          409,
          "The desktop is not running",
          "The desktop is "
              + desktop.state()
              + ". Start it and open the console once it shows RUNNING.");
    }
    if (desktop.console() == null || desktop.console().port() <= 0) {
      throw new PortalRefusal(
          503,
          "No console for this desktop yet",
          "The control plane has not told the portal where this desktop's display listens. The"
              + " desktop runs; try the console again in a minute, or ask an admin.");
    }
    ConsoleTicket ticket = tickets.issue(me, id, desktop.console());
    log.info("event=console.ticket-issued desktop={} user={}", id, me);
    model.addAttribute("desktopId", id);
    model.addAttribute("ticket", ticket.value());
    model.addAttribute("password", desktop.console().password());
    return "console";
  }
}
