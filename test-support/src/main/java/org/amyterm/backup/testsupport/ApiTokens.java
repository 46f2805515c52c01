package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Bearer tokens for the services' APIs in tests: RS256 JWTs signed with a key pair that exists for
 * tests only ({@code api-tokens/test-only-*.pem} on the classpath). The services verify them with
 * SmallRye JWT against {@link #PUBLIC_KEY_RESOURCE} and {@link #ISSUER}, as they would a real
 * identity provider's.
 */
public final class ApiTokens {
    public static final String ISSUER = "amyterm-backup-tests";
    /** The audience the services require by default ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "amyterm-backup";
    public static final String PUBLIC_KEY_RESOURCE = "api-tokens/test-only-public.pem";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private ApiTokens() {
    }

    public static String operator() {
        return token("alice.operator@example.org", List.of("operator"));
    }

    public static String viewer() {
        return token("victor.viewer@example.org", List.of("viewer"));
    }

    /** A token for {@code principal} with these groups (roles), valid for an hour. */
    public static String token(String principal, List<String> groups) {
        return token(ISSUER, principal, groups);
    }

    /** A token our key signs, naming {@code issuer}: one the services must refuse unless they trust it. */
    public static String token(String issuer, String principal, List<String> groups) {
        return token(issuer, AUDIENCE, principal, groups);
    }

    /** A token naming {@code audience} (none if null): one for another service the services must refuse. */
    public static String token(String issuer, String audience, String principal, List<String> groups) {
        Instant now = Instant.now();
        String claims = "{\"iss\":\"" + issuer + "\"" + (audience == null ? "" : ",\"aud\":\"" + audience + "\"")
                + ",\"upn\":\"" + principal + "\",\"sub\":\"" + principal
                + "\",\"groups\":[" + groups.stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(","))
                + "],\"iat\":" + now.getEpochSecond() + ",\"exp\":" + now.plus(Duration.ofHours(1)).getEpochSecond() + "}";
        String signed = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + encode(claims);
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey());
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
    }

    /** The public key as a file, for services started as processes ({@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}). */
    public static Path publicKeyFile(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("api-token-public.pem");
            Files.writeString(file, resource(PUBLIC_KEY_RESOURCE));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey privateKey() throws GeneralSecurityException {
        String pem = resource("api-tokens/test-only-private.pem").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    private static String resource(String name) {
        try (InputStream in = ApiTokens.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
