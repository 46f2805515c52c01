package org.amyterm.backup.console.access;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import org.amyterm.backup.contracts.ApiRoles;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Signing in with an API token (the local stack's {@code viewer.jwt} or {@code operator.jwt}, or
 * one the identity provider issued): the token is checked as the services check it and kept in an
 * HttpOnly, SameSite=Strict cookie that lives as long as the token, never in a URL.
 */
@Path("/")
public class SignInResource {
    /** The cookie SmallRye JWT reads the token from ({@code mp.jwt.token.cookie}). */
    public static final String COOKIE = "amyterm_console";
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final JWTParser parser;
    private final ConsoleConfig config;

    public SignInResource(JWTParser parser, ConsoleConfig config) {
        this.parser = parser;
        this.config = config;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signin(String problem);
    }

    @GET
    @Path("signin")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form() {
        return Templates.signin(null);
    }

    @POST
    @Path("signin")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@FormParam("token") String token) {
        String candidate = token == null ? "" : token.strip();
        if (candidate.isEmpty() || candidate.length() > MAX_TOKEN_CHARS) {
            return refused("Paste an API token (the text of viewer.jwt or operator.jwt, for example).");
        }
        JsonWebToken parsed;
        try {
            parsed = parser.parse(candidate);
        } catch (ParseException e) {
            // the reason (expired, wrong issuer, bad signature) helps; the token itself is never echoed
            return refused("That token was not accepted: " + reason(e) + ".");
        }
        if (!parsed.getGroups().contains(ApiRoles.VIEWER) && !parsed.getGroups().contains(ApiRoles.OPERATOR)) {
            return refused("That token has neither the viewer nor the operator role.");
        }
        long lifetime = Math.max(0, parsed.getExpirationTime() - Instant.now().getEpochSecond());
        NewCookie cookie = new NewCookie.Builder(COOKIE).value(candidate).path("/").httpOnly(true)
                .secure(config.session().secureCookie()).sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) Math.min(Integer.MAX_VALUE, lifetime)).build();
        return Response.seeOther(URI.create("/")).cookie(cookie).build();
    }

    @POST
    @Path("signout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut() {
        return Response.seeOther(URI.create("/signin")).cookie(expired(config)).build();
    }

    /** A cookie that removes the session cookie. */
    static NewCookie expired(ConsoleConfig config) {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).secure(config.session().secureCookie())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
    }

    private static Response refused(String problem) {
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.signin(problem)).build();
    }

    private static String reason(ParseException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "it could not be verified" : cause.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
