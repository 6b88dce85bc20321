package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolView;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/pools}: admins create pools; users list the pools they are entitled to. */
@RestController
@Tag(name = "pools")
@RequestMapping("/api/v1/pools")
class PoolController {

  private final PoolService pools;

  PoolController(PoolService pools) {
    this.pools = pools;
  }

  @Operation(
      operationId = "createPool",
      summary = "Creates a pool (admins)",
      description =
          "Creates a pool of desktops on a published golden version. Without a golden "
              + "digest the version's is looked up, and without hardware the golden image's is "
              + "taken. The pool controller then fills it to its minimum size and keeps its warm "
              + "spares ready, both raised while a period of its power schedule holds, and shuts "
              + "down desktops idle for its idle time. An Idempotency-Key makes a retry answer the pool the first request"
              + " created.")
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  PoolView create(
      JwtAuthenticationToken token,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(name = "a pooled pool", value = RequestExamples.POOL)))
          @RequestBody
          PoolSpec spec,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return pools.create(SecurityConfiguration.callerOf(token), spec, idempotencyKey);
  }

  @Operation(
      operationId = "listPools",
      summary = "Lists pools",
      description =
          "The pools the caller is entitled to (admins: all), a page at a time: pass the "
              + "previous page's nextCursor as cursor.")
  @GetMapping
  Page<PoolView> list(
      JwtAuthenticationToken token,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return pools.list(SecurityConfiguration.callerOf(token), cursor, limit);
  }

  @Operation(
      operationId = "getPool",
      summary = "Reads a pool",
      description =
          "One pool, with its spec and how many desktops it has; 404 when it does not exist"
              + " or the caller is not entitled to it.")
  @GetMapping("/{id}")
  PoolView get(JwtAuthenticationToken token, @PathVariable UUID id) {
    return pools.get(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "updatePool",
      summary = "Replaces a pool's spec (admins)",
      description =
          "Replaces the spec. The pool controller resizes the pool; a new golden version "
              + "rolls out, idle desktops first and the others at their next logoff, at most "
              + "maxConcurrentRefresh at once.")
  @PutMapping("/{id}")
  PoolView update(
      JwtAuthenticationToken token,
      @PathVariable UUID id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(name = "a pooled pool", value = RequestExamples.POOL)))
          @RequestBody
          PoolSpec spec) {
    return pools.update(SecurityConfiguration.callerOf(token), id, spec);
  }

  @Operation(
      operationId = "deletePool",
      summary = "Deletes a pool (admins)",
      description =
          "Marks the pool for deletion (202): its desktops are stopped and deleted, then the pool.")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  PoolView delete(JwtAuthenticationToken token, @PathVariable UUID id) {
    return pools.delete(SecurityConfiguration.callerOf(token), id);
  }
}
