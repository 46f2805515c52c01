package org.amyterm.backup.console.access;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Signing in through the organisation's OpenID Connect provider (Quarkus OIDC, authorization code
 * flow with PKCE): Quarkus OIDC sends the person to the provider, checks the state, exchanges the
 * code and verifies the ID token; this takes the access token the provider issued and makes it the
 * console's session exactly as a pasted token ({@link SessionTokens}: the services must accept it,
 * and the console forwards it to them), then ends Quarkus OIDC's own session so one cookie decides
 * who is signed in. The page that follows is reached by a link rather than a redirect: a browser
 * withholds the SameSite=Strict cookie on a redirect chain that began at another site.
 */
@Path("/signin/oidc")
public class IdentityProviderSignIn {
    private final SecurityIdentity identity;
    private final OidcSession oidcSession;
    private final SessionTokens tokens;

    public IdentityProviderSignIn(SecurityIdentity identity, OidcSession oidcSession, SessionTokens tokens) {
        this.identity = identity;
        this.oidcSession = oidcSession;
        this.tokens = tokens;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signedin(Person signedIn, String problem);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> signedIn() {
        AccessTokenCredential accessToken = identity.getCredential(AccessTokenCredential.class);
        SessionTokens.Outcome outcome = tokens.accept(accessToken == null ? null : accessToken.getToken());
        Response response = outcome instanceof SessionTokens.Accepted accepted
                ? Response.ok(Templates.signedin(accepted.person(), null)).cookie(accepted.cookie()).build()
                : Response.status(Response.Status.FORBIDDEN).entity(Templates.signedin(null,
                        "Your identity provider signed you in as " + identity.getPrincipal().getName()
                                + ", but the console cannot use what it issued. "
                                + ((SessionTokens.Refused) outcome).problem())).build();
        return oidcSession.logout().replaceWith(response);
    }
}
