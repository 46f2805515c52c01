package org.amyterm.backup.console.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A visitor without a valid token is shown the way to sign in (a stale cookie is removed); a viewer
 * who tries to act is told their role may only look.
 */
public class SignInRedirect {
    private final SessionTokens tokens;

    public SignInRedirect(SessionTokens tokens) {
        this.tokens = tokens;
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response signIn() {
        return Response.seeOther(URI.create("/signin")).cookie(tokens.expired()).build();
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden() {
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE)
                .entity("Your role may look, not act: starting a backup or a verification needs the operator role.\n")
                .build();
    }
}
