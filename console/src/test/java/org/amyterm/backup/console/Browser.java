package org.amyterm.backup.console;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A plain HTTP client with a cookie jar, as a browser without script would use the console. */
final class Browser {
    private static final Pattern CSRF = Pattern.compile("name=\"([^\"]+)\" value=\"([^\"]+)\"");
    final CookieManager cookies = new CookieManager();
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    Browser(URI base) {
        this.base = base;
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a form; {@code page}'s CSRF field is added when {@code page} is given (as the rendered form would). */
    HttpResponse<String> post(String path, Map<String, String> fields, String page) throws Exception {
        Map<String, String> form = new java.util.LinkedHashMap<>(fields);
        if (page != null) {
            Matcher csrf = CSRF.matcher(page.substring(page.indexOf("type=\"hidden\"")));
            if (!csrf.find()) {
                throw new AssertionError("the page has no CSRF field");
            }
            form.put(csrf.group(1), csrf.group(2));
        }
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in through the form with {@code token}; the answer to the form's POST. */
    HttpResponse<String> signIn(String token) throws Exception {
        return post("/signin", Map.of("token", token), get("/signin").body());
    }

    HttpCookie cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
    }
}
