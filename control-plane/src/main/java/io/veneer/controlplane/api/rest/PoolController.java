package io.veneer.controlplane.api.rest;

import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolView;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
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
@RequestMapping("/api/v1/pools")
class PoolController {

  private final PoolService pools;

  PoolController(PoolService pools) {
    this.pools = pools;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  PoolView create(
      JwtAuthenticationToken token,
      @RequestBody PoolSpec spec,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return pools.create(SecurityConfiguration.callerOf(token), spec, idempotencyKey);
  }

  @GetMapping
  Page<PoolView> list(
      JwtAuthenticationToken token,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return pools.list(SecurityConfiguration.callerOf(token), cursor, limit);
  }

  @GetMapping("/{id}")
  PoolView get(JwtAuthenticationToken token, @PathVariable UUID id) {
    return pools.get(SecurityConfiguration.callerOf(token), id);
  }

  @PutMapping("/{id}")
  PoolView update(JwtAuthenticationToken token, @PathVariable UUID id, @RequestBody PoolSpec spec) {
    return pools.update(SecurityConfiguration.callerOf(token), id, spec);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  PoolView delete(JwtAuthenticationToken token, @PathVariable UUID id) {
    return pools.delete(SecurityConfiguration.callerOf(token), id);
  }
}
