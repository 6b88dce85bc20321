package io.veneer.controlplane.api.rest;

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
@RequestMapping("/api/v1/directory")
class DirectoryController {

  private final GroupDirectory directory;

  DirectoryController(GroupDirectory directory) {
    this.directory = directory;
  }

  @GetMapping("/groups")
  List<String> groups(JwtAuthenticationToken token) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing groups");
    return directory.groups();
  }

  @GetMapping("/users")
  List<DirectoryUser> users(
      JwtAuthenticationToken token,
      @RequestParam(defaultValue = "") String search,
      @RequestParam(defaultValue = "50") int max) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing users");
    return directory.users(search, max);
  }
}
