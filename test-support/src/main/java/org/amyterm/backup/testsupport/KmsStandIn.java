package org.amyterm.backup.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for AWS KMS that speaks its wire protocol (JSON 1.1, {@code X-Amz-Target:
 * TrentService.*}) for what backups need: {@code GenerateDataKey} and {@code Decrypt} with one
 * symmetric key. A data key is wrapped with AES-GCM and the encryption context as associated
 * data, so a wrong context is refused as KMS refuses it ({@code InvalidCiphertextException}).
 * Each access key is granted operations, as an IAM policy would ({@code AccessDeniedException}).
 * Run as its own process: {@code KmsStandIn <properties file>}.
 */
public final class KmsStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");

    private final String keyArn;
    private final String alias;
    private final SecretKeySpec masterKey;
    private final Properties grants;
    private final SecureRandom random = new SecureRandom();

    private KmsStandIn(String keyArn, String alias, byte[] masterKey, Properties grants) {
        this.keyArn = keyArn;
        this.alias = alias;
        this.masterKey = new SecretKeySpec(masterKey, "AES");
        this.grants = grants;
    }

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            config.load(in);
        }
        Properties grants = new Properties();
        for (String name : config.stringPropertyNames()) {
            if (name.startsWith("grant.")) {
                grants.setProperty(name.substring("grant.".length()), config.getProperty(name));
            }
        }
        KmsStandIn kms = new KmsStandIn(config.getProperty("key.arn"), config.getProperty("key.alias"),
                Base64.getDecoder().decode(config.getProperty("key.material")), grants);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(config.getProperty("port"))), 16);
        server.createContext("/", kms::handle);
        server.start();
        System.out.println("KMS stand-in listening on port " + config.getProperty("port") + " with key " + kms.keyArn);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String accessKey = accessKey(exchange.getRequestHeaders().getFirst("Authorization"));
            String operation = target.startsWith("TrentService.") ? target.substring("TrentService.".length()) : target;
            System.out.println(operation + " by " + accessKey);
            if (accessKey == null || !grants.containsKey(accessKey)) {
                error(exchange, "UnrecognizedClientException", "The security token included in the request is invalid.");
                return;
            }
            if (!Set.of(grants.getProperty(accessKey).split(",")).contains(operation)) {
                error(exchange, "AccessDeniedException", "User " + accessKey + " is not authorized to perform: kms:"
                        + operation + " on resource: " + keyArn);
                return;
            }
            switch (operation) {
                case "GenerateDataKey" -> generateDataKey(exchange, request);
                case "Decrypt" -> decrypt(exchange, request);
                default -> error(exchange, "UnsupportedOperationException", operation + " is not supported here");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            error(exchange, "KMSInternalException", String.valueOf(e));
        }
    }

    private void generateDataKey(HttpExchange exchange, JsonNode request) throws IOException, GeneralSecurityException {
        if (!knownKey(request.path("KeyId").asText())) {
            error(exchange, "NotFoundException", "Key '" + request.path("KeyId").asText() + "' does not exist");
            return;
        }
        int bytes = request.has("NumberOfBytes") ? request.get("NumberOfBytes").asInt()
                : "AES_128".equals(request.path("KeySpec").asText()) ? 16 : 32;
        byte[] plaintext = new byte[bytes];
        random.nextBytes(plaintext);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(128, iv));
        gcm.updateAAD(context(request));
        byte[] sealed = gcm.doFinal(plaintext);
        byte[] blob = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        ObjectNode response = JSON.createObjectNode();
        response.put("KeyId", keyArn);
        response.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        response.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
        ok(exchange, response);
    }

    private void decrypt(HttpExchange exchange, JsonNode request) throws IOException {
        if (request.has("KeyId") && !knownKey(request.get("KeyId").asText())) {
            error(exchange, "IncorrectKeyException", "The key ID in the request does not identify the key that encrypted it");
            return;
        }
        byte[] blob = Base64.getDecoder().decode(request.path("CiphertextBlob").asText());
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(128, blob, 0, 12));
            gcm.updateAAD(context(request));
            byte[] plaintext = gcm.doFinal(blob, 12, blob.length - 12);
            ObjectNode response = JSON.createObjectNode();
            response.put("KeyId", keyArn);
            response.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
            response.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            ok(exchange, response);
        } catch (GeneralSecurityException | RuntimeException e) {
            // what KMS answers for a wrong encryption context, key or a damaged blob alike
            error(exchange, "InvalidCiphertextException", null);
        }
    }

    private boolean knownKey(String keyId) {
        return keyId.equals(keyArn) || keyId.equals(alias) || keyArn.endsWith("/" + keyId);
    }

    /** The encryption context, canonical (sorted): the associated data of the wrapping. */
    private static byte[] context(JsonNode request) {
        Map<String, String> context = new TreeMap<>();
        JsonNode node = request.path("EncryptionContext");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            context.put(field.getKey(), field.getValue().asText());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        context.forEach((k, v) -> out.writeBytes((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    private static String accessKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? m.group(1) : null;
    }

    private static void ok(HttpExchange exchange, ObjectNode body) throws IOException {
        send(exchange, 200, JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        if (message != null) {
            body.put("message", message);
        }
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, 400, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
