package io.veneer.controlplane.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.veneer.controlplane.security.Caller;
import io.veneer.controlplane.security.Scopes;
import io.veneer.controlplane.security.SecurityConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Authenticates every API call as the REST resource server does: metadata {@code authorization:
 * Bearer <jwt>}, checked by the application's own {@link JwtDecoder}, mapped to a {@link Caller} by
 * {@link SecurityConfiguration#callerOf}, and admitted only with the {@code admin} or {@code user}
 * role.
 */
@Component
final class BearerAuthentication implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(BearerAuthentication.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

  private final JwtDecoder decoder;

  BearerAuthentication(JwtDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String header = headers.get(AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription(
              "Send metadata 'authorization: Bearer <token>' with a token from the OIDC issuer"));
    }
    Jwt jwt;
    try {
      jwt = decoder.decode(header.substring(BEARER.length()).strip());
    } catch (BadJwtException e) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription(
              "The bearer token is not valid: " + e.getMessage()));
    } catch (RuntimeException e) {
      // The issuer's keys could not be fetched, say: not the caller's fault, and worth a retry.
      log.warn("event=api-token-check-failed error={}", e.toString());
      return refuse(
          call,
          Status.UNAVAILABLE.withDescription("Tokens cannot be checked right now; try again"));
    }
    if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("The token names no subject"));
    }
    Caller caller = SecurityConfiguration.callerOf(new JwtAuthenticationToken(jwt));
    if (!caller.admin() && !SecurityConfiguration.roles(jwt).contains("user")) {
      return refuse(
          call,
          Status.PERMISSION_DENIED.withDescription(
              "The token carries neither the user nor the admin role"));
    }
    String needed = Scopes.forGrpc(call.getMethodDescriptor().getFullMethodName());
    if (!SecurityConfiguration.clientScopes(jwt).map(s -> s.contains(needed)).orElse(true)) {
      return refuse(
          call,
          Status.PERMISSION_DENIED.withDescription(
              "This client's token lacks the " + needed + " scope; ask for it to be granted"));
    }
    Context context =
        Context.current()
            .withValues(
                CallContext.CALLER, caller, CallContext.TOKEN_EXPIRES_AT, jwt.getExpiresAt());
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
