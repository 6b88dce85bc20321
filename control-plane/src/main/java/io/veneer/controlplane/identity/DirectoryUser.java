package io.veneer.controlplane.identity;

/** A person an admin may entitle: {@code id} is the subject their tokens carry. */
public record DirectoryUser(String id, String username, String email, String fullName) {}
