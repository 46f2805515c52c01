package org.amyterm.backup.contracts;

import java.security.Principal;

/**
 * The two roles of the services' REST APIs, as the {@code groups} claim of a bearer token names
 * them: an {@code operator} starts backups, restore tests, restores and retention; a {@code viewer}
 * only lists and shows. Who asked is always the token's principal, never a field of the request.
 */
public final class ApiRoles {
    public static final String OPERATOR = "operator";
    public static final String VIEWER = "viewer";
    /** Recorded as {@code requestedBy} when the API runs without authentication (the dev profile only). */
    public static final String ANONYMOUS = "anonymous";

    private ApiRoles() {
    }

    /** The name recorded as {@code requestedBy}: the authenticated principal's, bounded like any request field. */
    public static String requester(Principal principal) {
        if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
            return ANONYMOUS;
        }
        String name = principal.getName();
        return name.length() > RequestLimits.MAX_TEXT_FIELD ? name.substring(0, RequestLimits.MAX_TEXT_FIELD) : name;
    }
}
