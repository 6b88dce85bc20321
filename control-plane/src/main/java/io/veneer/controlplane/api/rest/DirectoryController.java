package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.identity.DirectoryUser;
import io.veneer.controlplane.identity.GroupDirectory;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.List;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/directory}: the groups and users an admin can entitle to pools. */
@RestController
@Tag(name = "directory")
@RequestMapping("/api/v1/directory")
class DirectoryController {

  private final GroupDirectory directory;

  DirectoryController(GroupDirectory directory) {
    this.directory = directory;
  }

  @Operation(
      operationId = "listGroups",
      summary = "Lists directory groups (admins)",
      description = "The groups of the identity provider an admin can entitle to pools.")
  @GetMapping("/groups")
  List<String> groups(JwtAuthenticationToken token) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing groups");
    return directory.groups();
  }

  @Operation(
      operationId = "searchUsers",
      summary = "Searches directory users (admins)",
      description =
          "Users of the identity provider whose name or e-mail contains search, at most max"
              + " of them, to entitle to pools.")
  @GetMapping("/users")
  List<DirectoryUser> users(
      JwtAuthenticationToken token,
      @RequestParam(defaultValue = "") String search,
      @RequestParam(defaultValue = "50") int max) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing users");
    return directory.users(search, max);
  }
}
