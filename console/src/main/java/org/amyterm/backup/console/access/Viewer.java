package org.amyterm.backup.console.access;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The person signed in for this request: who, whether they may act (operator) or only look
 * (viewer), and their token as the services want it (the console asks them on the person's behalf,
 * so each service grants exactly what that person may do).
 */
@RequestScoped
public class Viewer {
    private final JsonWebToken token;

    /**
     * The token is the identity's principal, which SmallRye JWT made from the session cookie or the
     * Bearer header (an injected {@code JsonWebToken} would be Quarkus OIDC's, which knows nothing of
     * tokens it did not check itself).
     */
    @Inject
    public Viewer(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw new UnauthorizedException("no token");
        }
        this.token = jwt;
    }

    /** The person, for a page. */
    public Person person() {
        return Person.of(token);
    }

    /** {@code Authorization} header value for the services. */
    public String bearer() {
        return "Bearer " + token.getRawToken();
    }
}
