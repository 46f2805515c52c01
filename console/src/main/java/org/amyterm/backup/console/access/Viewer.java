package org.amyterm.backup.console.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.amyterm.backup.contracts.ApiRoles;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The person signed in for this request: who, whether they may act (operator) or only look
 * (viewer), and their token as the services want it (the console asks them on the person's behalf,
 * so each service grants exactly what that person may do).
 */
@RequestScoped
public class Viewer {
    private final JsonWebToken token;

    @Inject
    public Viewer(JsonWebToken token) {
        this.token = token;
    }

    public String name() {
        return ApiRoles.requester(token);
    }

    public boolean operator() {
        return token.getGroups().contains(ApiRoles.OPERATOR);
    }

    public String role() {
        return operator() ? ApiRoles.OPERATOR : ApiRoles.VIEWER;
    }

    /** The person, for a page. */
    public Person person() {
        return new Person(name(), role(), operator());
    }

    /** {@code Authorization} header value for the services. */
    public String bearer() {
        return "Bearer " + token.getRawToken();
    }
}
