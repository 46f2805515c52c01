package org.amyterm.backup.console.access;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;
import java.time.Instant;
import org.amyterm.backup.contracts.ApiRoles;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns a token into the console's session: checked as the services check it (SmallRye JWT: key,
 * issuer, audience, expiry) and for a role the console knows, then kept in an HttpOnly,
 * SameSite=Strict cookie that lives as long as the token. Pasted tokens and those an identity
 * provider issues at sign-in take the same way, so the console never trusts a token the services
 * would refuse.
 */
@ApplicationScoped
public class SessionTokens {
    /** The cookie SmallRye JWT reads the token from ({@code mp.jwt.token.cookie}). */
    public static final String COOKIE = "amyterm_console";
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final JWTParser parser;
    private final ConsoleConfig config;

    public SessionTokens(JWTParser parser, ConsoleConfig config) {
        this.parser = parser;
        this.config = config;
    }

    /** A session for this token, or why there is none (never quoting the token). */
    public sealed interface Outcome permits Accepted, Refused {
    }

    public record Accepted(Person person, NewCookie cookie) implements Outcome {
    }

    public record Refused(String problem) implements Outcome {
    }

    public Outcome accept(String token) {
        String candidate = token == null ? "" : token.strip();
        if (candidate.isEmpty() || candidate.length() > MAX_TOKEN_CHARS) {
            return new Refused("Paste an API token (the text of viewer.jwt or operator.jwt, for example).");
        }
        JsonWebToken parsed;
        try {
            parsed = parser.parse(candidate);
        } catch (ParseException e) {
            // the reason (expired, wrong issuer, bad signature) helps; the token itself is never echoed
            return new Refused("That token was not accepted: " + reason(e) + ".");
        }
        if (!parsed.getGroups().contains(ApiRoles.OPERATOR) && !parsed.getGroups().contains(ApiRoles.VIEWER)) {
            return new Refused("That token has neither the viewer nor the operator role.");
        }
        long lifetime = Math.max(0, parsed.getExpirationTime() - Instant.now().getEpochSecond());
        NewCookie cookie = new NewCookie.Builder(COOKIE).value(candidate).path("/").httpOnly(true)
                .secure(config.session().secureCookie()).sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) Math.min(Integer.MAX_VALUE, lifetime)).build();
        return new Accepted(Person.of(parsed), cookie);
    }

    /** A cookie that removes the session cookie. */
    public NewCookie expired() {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).secure(config.session().secureCookie())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
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
