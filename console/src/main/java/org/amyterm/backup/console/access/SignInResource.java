package org.amyterm.backup.console.access;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signing in with an API token (the local stack's {@code viewer.jwt} or {@code operator.jwt}, or
 * one the identity provider issued), pasted into a form and never put in a URL ({@link SessionTokens});
 * where an OpenID Connect provider is configured the page also offers signing in there
 * ({@link IdentityProviderSignIn}).
 */
@Path("/")
public class SignInResource {
    private final SessionTokens tokens;
    private final boolean identityProvider;
    private final String identityProviderName;

    public SignInResource(SessionTokens tokens, ConsoleConfig config,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false") boolean identityProvider) {
        this.tokens = tokens;
        this.identityProvider = identityProvider;
        this.identityProviderName = config.identityProvider().name();
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signin(String problem, String identityProvider);
    }

    @GET
    @Path("signin")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form() {
        return Templates.signin(null, identityProvider ? identityProviderName : null);
    }

    @POST
    @Path("signin")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@FormParam("token") String token) {
        SessionTokens.Outcome outcome = tokens.accept(token);
        if (outcome instanceof SessionTokens.Accepted accepted) {
            return Response.seeOther(URI.create("/")).cookie(accepted.cookie()).build();
        }
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.signin(((SessionTokens.Refused) outcome).problem(),
                        identityProvider ? identityProviderName : null)).build();
    }

    @POST
    @Path("signout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut() {
        return Response.seeOther(URI.create("/signin")).cookie(tokens.expired()).build();
    }
}
