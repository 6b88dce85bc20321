package io.veneer.testsupport.keycloak;

/** An OAuth client of a test realm; the secret is null for public clients. */
public record ClientCredentials(String clientId, String secret) {}
