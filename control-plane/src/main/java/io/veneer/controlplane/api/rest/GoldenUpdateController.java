package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.desktops.GoldenUpdates;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/desktops/{id}/golden-update}: a dedicated desktop takes its pool's new version.
 */
@RestController
@Tag(name = "desktops")
@RequestMapping("/api/v1/desktops")
class GoldenUpdateController {

  private final GoldenUpdates updates;

  GoldenUpdateController(GoldenUpdates updates) {
    this.updates = updates;
  }

  @Operation(
      operationId = "updateDesktopGolden",
      summary = "Rebuilds a dedicated desktop on its pool's golden version",
      description =
          "Its OS disk is rebuilt from the pool's current golden version and its user-data disk"
              + " is kept; rebuilding is true until its agent has the new disk. A no-op when it is"
              + " on that version already. 409 (golden-update-refused, with reason POOLED, IN_USE"
              + " or LEAVING) for a pooled desktop, which takes the version at logoff, for one"
              + " that is not stopped, and for one being deleted.")
  @PostMapping("/{id}/golden-update")
  DesktopView update(JwtAuthenticationToken token, @PathVariable UUID id) {
    return updates.apply(SecurityConfiguration.callerOf(token), id);
  }
}
