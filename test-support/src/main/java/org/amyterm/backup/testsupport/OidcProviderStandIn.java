package org.amyterm.backup.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for an OpenID Connect provider that speaks the protocol a confidential web client
 * uses (OpenID Connect Core 1.0, authorization code flow): discovery, a JWKS, an authorization
 * endpoint with a sign-in form, and a token endpoint that takes {@code client_secret_basic} or
 * {@code client_secret_post}, checks the code's client, redirect URI and PKCE verifier, and issues
 * an RS256 ID token (with the request's nonce) and access token. Its users and their groups come from
 * its properties file ({@code user.<name>=<group>,<group>}). Run as its own process:
 * {@code OidcProviderStandIn <properties file>}.
 */
public final class OidcProviderStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL64 = Base64.getUrlEncoder().withoutPadding();

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final String audience;
    private final Map<String, List<String>> users;
    private final KeyPair key;
    private final String keyId = UUID.randomUUID().toString();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();

    /** What a code stands for until it is exchanged (once). */
    private record Grant(String user, String clientId, String redirectUri, String nonce, String challenge,
            Instant expires) {
    }

    private OidcProviderStandIn(String issuer, String clientId, String clientSecret, String audience,
            Map<String, List<String>> users) throws GeneralSecurityException {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.audience = audience;
        this.users = users;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.key = generator.generateKeyPair();
    }

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            config.load(in);
        }
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (String name : config.stringPropertyNames()) {
            if (name.startsWith("user.")) {
                String groups = config.getProperty(name).strip();
                users.put(name.substring("user.".length()), groups.isEmpty() ? List.of() : List.of(groups.split(",")));
            }
        }
        int port = Integer.parseInt(config.getProperty("port"));
        OidcProviderStandIn provider = new OidcProviderStandIn("http://127.0.0.1:" + port + "/realms/amyterm",
                config.getProperty("client.id"), config.getProperty("client.secret"), config.getProperty("audience"),
                users);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", provider::handle);
        server.start();
        System.out.println("OIDC provider stand-in listening at " + provider.issuer + " for client " + provider.clientId
                + " with users " + users.keySet());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = URI.create(issuer).getPath();
            String endpoint = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
            System.out.println(exchange.getRequestMethod() + " " + path);
            switch (endpoint) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/protocol/openid-connect/certs" -> json(exchange, 200, jwks());
                case "/protocol/openid-connect/auth" -> {
                    if ("POST".equals(exchange.getRequestMethod())) {
                        signedIn(exchange, form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                    } else {
                        signInPage(exchange, form(exchange.getRequestURI().getRawQuery()));
                    }
                }
                case "/protocol/openid-connect/token" -> token(exchange);
                default -> text(exchange, 404, "no such endpoint: " + path);
            }
        } catch (RuntimeException | GeneralSecurityException e) {
            e.printStackTrace();
            text(exchange, 500, "stand-in failed: " + e);
        }
    }

    private ObjectNode discovery() {
        ObjectNode d = JSON.createObjectNode();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/protocol/openid-connect/auth");
        d.put("token_endpoint", issuer + "/protocol/openid-connect/token");
        d.put("jwks_uri", issuer + "/protocol/openid-connect/certs");
        d.putArray("response_types_supported").add("code");
        d.putArray("subject_types_supported").add("public");
        d.putArray("id_token_signing_alg_values_supported").add("RS256");
        d.putArray("token_endpoint_auth_methods_supported").add("client_secret_basic").add("client_secret_post");
        d.putArray("code_challenge_methods_supported").add("S256");
        d.putArray("scopes_supported").add("openid").add("profile").add("email");
        return d;
    }

    private ObjectNode jwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        ObjectNode jwk = JSON.createObjectNode();
        jwk.put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", keyId);
        jwk.put("n", URL64.encodeToString(unsigned(pub.getModulus().toByteArray())));
        jwk.put("e", URL64.encodeToString(unsigned(pub.getPublicExponent().toByteArray())));
        ObjectNode set = JSON.createObjectNode();
        set.putArray("keys").add(jwk);
        return set;
    }

    /** The sign-in form: the request's parameters ride along as hidden fields. */
    private void signInPage(HttpExchange exchange, Map<String, String> request) throws IOException {
        String problem = authorizationProblem(request);
        if (problem != null) {
            text(exchange, 400, problem);
            return;
        }
        StringBuilder hidden = new StringBuilder();
        for (String name : List.of("client_id", "redirect_uri", "state", "nonce", "code_challenge",
                "code_challenge_method", "scope", "response_type")) {
            if (request.containsKey(name)) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(escape(request.get(name))).append("\">");
            }
        }
        String page = "<!DOCTYPE html><html lang=\"en\"><head><title>Sign in to the identity provider</title></head><body>"
                + "<main><h1>Identity provider</h1><form method=\"post\" action=\"" + URI.create(issuer).getPath()
                + "/protocol/openid-connect/auth\">" + hidden + "<label for=\"username\">User name</label>"
                + "<input id=\"username\" name=\"username\" autocomplete=\"username\">"
                + "<button type=\"submit\">Sign in</button></form></main></body></html>";
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private void signedIn(HttpExchange exchange, Map<String, String> request) throws IOException {
        String problem = authorizationProblem(request);
        if (problem != null) {
            text(exchange, 400, problem);
            return;
        }
        String user = request.getOrDefault("username", "");
        if (!users.containsKey(user)) {
            text(exchange, 401, "unknown user");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(user, request.get("client_id"), request.get("redirect_uri"), request.get("nonce"),
                request.get("code_challenge"), Instant.now().plusSeconds(60)));
        String redirect = request.get("redirect_uri") + (request.get("redirect_uri").contains("?") ? "&" : "?")
                + "code=" + enc(code) + (request.containsKey("state") ? "&state=" + enc(request.get("state")) : "");
        exchange.getResponseHeaders().set("Location", redirect);
        exchange.sendResponseHeaders(302, -1);
    }

    private String authorizationProblem(Map<String, String> request) {
        if (!clientId.equals(request.get("client_id"))) {
            return "unknown client_id";
        }
        if (!"code".equals(request.get("response_type"))) {
            return "response_type must be code";
        }
        String redirect = request.get("redirect_uri");
        if (redirect == null || !(redirect.startsWith("http://127.0.0.1:") || redirect.startsWith("http://localhost:"))) {
            return "redirect_uri must be a loopback address";
        }
        if (!String.valueOf(request.get("scope")).contains("openid")) {
            return "scope must include openid";
        }
        return null;
    }

    private void token(HttpExchange exchange) throws IOException, GeneralSecurityException {
        Map<String, String> request = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String id = request.get("client_id");
        String secret = request.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            json(exchange, 401, error("invalid_client", "client authentication failed"));
            return;
        }
        if (!"authorization_code".equals(request.get("grant_type"))) {
            json(exchange, 400, error("unsupported_grant_type", "only authorization_code"));
            return;
        }
        Grant grant = codes.remove(String.valueOf(request.get("code")));
        if (grant == null || grant.expires().isBefore(Instant.now()) || !grant.clientId().equals(id)
                || !grant.redirectUri().equals(request.get("redirect_uri"))) {
            json(exchange, 400, error("invalid_grant", "unknown, used or expired code, or another redirect_uri"));
            return;
        }
        if (grant.challenge() != null) {
            String verifier = String.valueOf(request.get("code_verifier"));
            String expected = URL64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            if (!expected.equals(grant.challenge())) {
                json(exchange, 400, error("invalid_grant", "PKCE verifier does not match"));
                return;
            }
        }
        long now = Instant.now().getEpochSecond();
        String email = grant.user() + "@example.org";
        ObjectNode idToken = JSON.createObjectNode().put("iss", issuer).put("sub", grant.user()).put("aud", clientId)
                .put("iat", now).put("exp", now + 3600).put("preferred_username", email).put("email", email);
        if (grant.nonce() != null) {
            idToken.put("nonce", grant.nonce());
        }
        ObjectNode access = JSON.createObjectNode().put("iss", issuer).put("sub", grant.user()).put("aud", audience)
                .put("azp", clientId).put("iat", now).put("exp", now + 3600).put("upn", email)
                .put("preferred_username", email).put("scope", "openid");
        var groups = access.putArray("groups");
        users.get(grant.user()).forEach(groups::add);
        ObjectNode answer = JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", 3600)
                .put("access_token", sign(access)).put("id_token", sign(idToken)).put("scope", "openid");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        json(exchange, 200, answer);
    }

    private String sign(ObjectNode claims) throws GeneralSecurityException, IOException {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", keyId);
        String signed = URL64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + URL64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key.getPrivate());
        rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + URL64.encodeToString(rs256.sign());
    }

    private static ObjectNode error(String code, String description) {
        return JSON.createObjectNode().put("error", code).put("error_description", description);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return values;
    }

    private static byte[] unsigned(byte[] twosComplement) {
        if (twosComplement.length > 1 && twosComplement[0] == 0) {
            byte[] trimmed = new byte[twosComplement.length - 1];
            System.arraycopy(twosComplement, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return twosComplement;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
