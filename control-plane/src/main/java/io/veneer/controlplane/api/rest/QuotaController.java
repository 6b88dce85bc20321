package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.quotas.QuotaHolder;
import io.veneer.controlplane.quotas.QuotaLimits;
import io.veneer.controlplane.quotas.QuotaView;
import io.veneer.controlplane.quotas.Quotas;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/quotas}: admins set what users and groups may hold, and see it against usage. */
@RestController
@Tag(name = "quotas")
@RequestMapping("/api/v1/quotas")
class QuotaController {

  private final Quotas quotas;

  QuotaController(Quotas quotas) {
    this.quotas = quotas;
  }

  @Operation(
      operationId = "listQuotas",
      summary = "Lists quotas with their usage (admins)",
      description =
          "Every quota, users' then groups', each with its limits and what its holder holds now:"
              + " live desktops handed to them and those desktops' vCPUs and memory.")
  @GetMapping
  List<QuotaView> list(JwtAuthenticationToken token) {
    return quotas.list(SecurityConfiguration.callerOf(token));
  }

  @Operation(
      operationId = "getQuota",
      summary = "Reads a quota with its usage (admins)",
      description = "The quota of one user or group (kind `user` or `group`); 404 when none.")
  @GetMapping("/{kind}/{name}")
  QuotaView get(
      JwtAuthenticationToken token, @PathVariable String kind, @PathVariable String name) {
    return quotas.get(SecurityConfiguration.callerOf(token), holder(kind, name));
  }

  @Operation(
      operationId = "setQuota",
      summary = "Sets a quota (admins)",
      description =
          "Creates or replaces what a user, or the members of a group together, may hold at once:"
              + " desktops, vCPUs, memory; a limit left out is no limit. A desktop request that"
              + " would exceed it is refused with 409 quota-exceeded; what is held already is"
              + " kept. Audited as quota.set.")
  @PutMapping("/{kind}/{name}")
  QuotaView set(
      JwtAuthenticationToken token,
      @PathVariable String kind,
      @PathVariable String name,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(name = "two desktops", value = RequestExamples.QUOTA)))
          @RequestBody
          QuotaLimits limits) {
    return quotas.set(SecurityConfiguration.callerOf(token), holder(kind, name), limits);
  }

  @Operation(
      operationId = "deleteQuota",
      summary = "Removes a quota (admins)",
      description = "The user or group may then hold without limit. Audited as quota.delete.")
  @DeleteMapping("/{kind}/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(JwtAuthenticationToken token, @PathVariable String kind, @PathVariable String name) {
    quotas.delete(SecurityConfiguration.callerOf(token), holder(kind, name));
  }

  private static QuotaHolder holder(String kind, String name) {
    return new QuotaHolder(QuotaHolder.Kind.of(kind), name);
  }
}
