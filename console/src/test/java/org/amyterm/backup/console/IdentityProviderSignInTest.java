package org.amyterm.backup.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Signing in through an OpenID Connect provider (the stand-in, speaking the protocol over HTTP as a
 * process): the code flow runs through Quarkus OIDC, the provider's access token becomes the session,
 * and nothing secret travels in a URL.
 */
@QuarkusTest
@QuarkusTestResource(value = IdentityProvider.class, restrictToAnnotatedClass = true)
class IdentityProviderSignInTest {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">");

    @TestHTTPResource("/")
    URI base;

    @Test
    void anOperatorSignsInAtTheProviderAndTheConsoleKeepsTheAccessTokenInItsOwnCookie() throws Exception {
        Browser browser = new Browser(base);
        // Given the sign-in page offers the organisation's provider
        assertThat(browser.get("/signin").body()).contains("href=\"/signin/oidc\"", "Sign in with " + IdentityProvider.NAME);

        // When an operator follows it, and signs in at the provider
        List<String> locations = new ArrayList<>();
        HttpResponse<String> landed = signInAtProvider(browser, "alice", locations);

        // Then the console says who signed in, and keeps the provider's token in its HttpOnly, SameSite=Strict cookie
        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(200);
        assertThat(landed.body()).contains("<strong>alice@example.org</strong> (operator)", "href=\"/\"");
        String session = landed.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("amyterm_console="))
                .findFirst().orElseThrow();
        assertThat(session).contains("HttpOnly", "SameSite=Strict", "Path=/").contains("eyJ");
        // and Quarkus OIDC's own session is ended: one cookie says who is signed in
        assertThat(landed.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("q_session").contains("Max-Age=0"));
        // and the flow used PKCE and state, and put no token in any URL it went through
        assertThat(locations.get(0)).startsWith(IdentityProvider.provider.issuer() + "/protocol/openid-connect/auth?")
                .contains("code_challenge=", "code_challenge_method=S256", "state=", "client_id=amyterm-console");
        assertThat(locations).noneMatch(l -> l.contains("eyJ") || l.contains("access_token"));
        // and every page now shows them signed in as an operator
        HttpResponse<String> overview = browser.get("/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("Signed in as <strong>alice@example.org</strong> (operator)");
    }

    @Test
    void aPersonTheProviderGivesNoConsoleGroupIsToldWhyAndIsNotSignedIn() throws Exception {
        Browser browser = new Browser(base);

        HttpResponse<String> landed = signInAtProvider(browser, "nobody", new ArrayList<>());

        assertThat(landed.statusCode()).isEqualTo(403);
        assertThat(landed.body()).contains("signed you in as", "neither the viewer nor the operator role");
        assertThat(landed.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("amyterm_console=ey"));
        assertThat(browser.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void aCallbackThatTheConsoleDidNotStartSignsNobodyIn() throws Exception {
        Browser browser = new Browser(base);

        // a code and state the console never asked for (a login CSRF attempt)
        HttpResponse<String> forged = browser.get("/signin/oidc?code=stolen&state=forged");

        assertThat(forged.statusCode()).isNotEqualTo(200);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("amyterm_console=ey"));
        assertThat(browser.get("/").statusCode()).isEqualTo(303);
    }

    /** Follows the code flow as a browser would, posting the provider's form as {@code user}; the console's last answer. */
    private static HttpResponse<String> signInAtProvider(Browser browser, String user, List<String> locations)
            throws Exception {
        HttpResponse<String> response = browser.get("/signin/oidc");
        for (int hop = 0; hop < 10; hop++) {
            if (response.statusCode() / 100 != 3) {
                if (!response.body().contains("Identity provider")) {
                    return response;
                }
                // the provider's sign-in form: its hidden fields, and the user name typed in
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher hidden = HIDDEN.matcher(response.body());
                while (hidden.find()) {
                    fields.put(hidden.group(1), hidden.group(2).replace("&amp;", "&").replace("&quot;", "\""));
                }
                fields.put("username", user);
                Matcher action = ACTION.matcher(response.body());
                assertThat(action.find()).isTrue();
                response = browser.post(response.uri().resolve(action.group(1)).toString(), fields, null);
                continue;
            }
            String location = response.headers().firstValue("Location").orElseThrow();
            locations.add(location);
            response = browser.get(response.uri().resolve(location).toString());
        }
        throw new AssertionError("the sign-in did not end within 10 hops; went through " + locations);
    }
}
