package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.contracts.EventJson;

/** The services' REST APIs, as the CLI uses them: backup requests and the bucket's catalogue. */
final class ServiceClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI backupService;
    private final URI storageService;
    private final URI verifierService;
    private final URI notifierService;
    private final Optional<ApiToken> token;
    private final PlainHttpGuard plainHttp;

    ServiceClient(URI backupService, URI storageService, URI verifierService, URI notifierService,
            Optional<ApiToken> token, PlainHttpGuard plainHttp) {
        this.token = token;
        this.plainHttp = plainHttp;
        this.backupService = backupService;
        this.storageService = storageService;
        this.verifierService = verifierService;
        this.notifierService = notifierService;
    }

    /** Tries every dump the storage service kept on the spool again now; what became of each. */
    JsonNode storeKept() {
        HttpRequest request = authorised(HttpRequest.newBuilder(storageService.resolve("/kept/store")))
                .timeout(Duration.ofHours(6)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return tree(send(request, "the storage service", storageService).orElseThrow(
                () -> new CliException(ExitCode.UNAVAILABLE, "the storage service has no kept-dump API (404)")),
                "the storage service");
    }

    /** The alerts open now, oldest first. */
    JsonNode openAlerts() {
        return tree(send(get(notifierService.resolve("/alerts")), "the notifier service", notifierService)
                .orElseThrow(() -> new CliException(ExitCode.UNAVAILABLE, "the notifier service has no alert API (404)")),
                "the notifier service");
    }

    /** Acknowledges ({@code acknowledgements}) or resolves ({@code resolutions}) an open alert; the change made. */
    JsonNode actOnAlert(String action, String alertId, String why) {
        HttpRequest request = postJson(notifierService.resolve("/alerts/" + action),
                java.util.Map.of("alertId", alertId, "why", why));
        return tree(send(request, "the notifier service", notifierService).orElseThrow(), "the notifier service");
    }

    /**
     * Asks for a backup. The idempotency key makes the request safe to send again: an answer lost to
     * a dropped connection or a restarting service is retried (three attempts), and the backup
     * service answers a repeat with the backup of the first.
     */
    BackupRequested requestBackup(String database, String reason, String idempotencyKey) {
        HttpRequest request = postJson(backupService.resolve("/backups"), java.util.Map.of("database", database,
                "reason", reason, "idempotencyKey", idempotencyKey));
        return retried(() -> EventJson.read(send(request, "the backup service", backupService).orElseThrow(
                () -> new CliException(ExitCode.NOT_FOUND, "the backup service answered 404")), BackupRequested.class));
    }

    /**
     * Sends an idempotent request up to three times while the service cannot be reached or answers
     * with a server error; any other answer, or the third failure, ends it.
     */
    private static <T> T retried(java.util.function.Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (CliException e) {
                if (e.exitCode() != ExitCode.UNAVAILABLE || attempt == REQUEST_ATTEMPTS) {
                    throw e;
                }
                waitBeforeRetry(attempt);
            }
        }
    }

    private HttpRequest postJson(java.net.URI uri, Object body) {
        return authorised(HttpRequest.newBuilder(uri)).header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.write(body))).build();
    }

    private static final int REQUEST_ATTEMPTS = 3;

    private static void waitBeforeRetry(int attempt) {
        try {
            java.util.concurrent.TimeUnit.SECONDS.sleep(2L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
        }
    }

    Optional<BackupSummary> backup(String database, String backupId) {
        String query = database == null ? "" : "?database=" + database;
        return send(get(storageService.resolve("/catalogue/backups/" + backupId + query)), "the storage service",
                storageService).map(json -> EventJson.read(json, BackupSummary.class));
    }

    List<BackupSummary> list(String database) {
        String json = send(get(storageService.resolve("/catalogue/databases/" + database + "/backups")),
                "the storage service", storageService).orElse("[]");
        return List.of(EventJson.read(json, BackupSummary[].class));
    }

    /** Asks the verifier to restore-test a stored backup again; its answer (the request and the evidence key). */
    JsonNode requestVerification(String backupId, String idempotencyKey) {
        HttpRequest request = postJson(verifierService.resolve("/verifications"), java.util.Map.of("backupId", backupId,
                "idempotencyKey", idempotencyKey));
        return retried(() -> tree(send(request, "the verifier service", verifierService).orElseThrow(
                () -> new CliException(ExitCode.UNAVAILABLE, "the verifier service has no verification API (404)")),
                "the verifier service"));
    }

    /** Starts an operator restore on the verifier service; its first progress. */
    JsonNode startRestore(java.util.Map<String, Object> body) {
        java.util.Map<String, Object> withoutNulls = new java.util.LinkedHashMap<>(body);
        withoutNulls.values().removeIf(java.util.Objects::isNull);
        if (withoutNulls.containsKey("targetPassword")) {
            plainHttp.check(verifierService, "the target's password");
        }
        HttpRequest request = postJson(verifierService.resolve("/restores"), withoutNulls);
        return tree(send(request, "the verifier service", verifierService).orElseThrow(
                () -> new CliException(ExitCode.UNAVAILABLE, "the verifier service has no restore API (404)")),
                "the verifier service");
    }

    /** What a backup holds ({@code last-known-good} or an id), read by the verifier from the archive's start; empty if there is no such backup. */
    Optional<JsonNode> contents(String database, String backup) {
        return send(get(verifierService.resolve("/contents/" + database + "/" + backup)), "the verifier service",
                verifierService).map(json -> tree(json, "the verifier service"));
    }

    /** The progress of an operator restore. */
    JsonNode restore(String restoreId) {
        return tree(send(get(verifierService.resolve("/restores/" + restoreId)), "the verifier service", verifierService)
                .orElseThrow(() -> new CliException(ExitCode.UNAVAILABLE, "the verifier service no longer knows restore "
                        + restoreId + " (did it restart?): check the target, then run the restore again")),
                "the verifier service");
    }

    /** The evidence of a verification, once written. */
    Optional<Verification> verification(String backupId, String verificationId) {
        return send(get(verifierService.resolve("/verifications/" + backupId + "/" + verificationId)),
                "the verifier service", verifierService).map(json -> EventJson.read(json, Verification.class));
    }

    /** Runs retention now (or only says what it would delete); the storage service's report. */
    JsonNode retention(boolean dryRun) {
        HttpRequest request = authorised(HttpRequest.newBuilder(storageService.resolve("/retention?dryRun=" + dryRun)))
                .timeout(Duration.ofMinutes(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return tree(send(request, "the storage service", storageService).orElseThrow(
                () -> new CliException(ExitCode.UNAVAILABLE, "the storage service has no retention API (404)")),
                "the storage service");
    }

    JsonNode status() {
        return tree(send(get(storageService.resolve("/catalogue/status")), "the storage service", storageService)
                .orElse("[]"), "the storage service");
    }

    private static JsonNode tree(String json, String service) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, service + " sent unreadable JSON: " + e.getMessage());
        }
    }

    private HttpRequest get(URI uri) {
        return authorised(HttpRequest.newBuilder(uri)).timeout(Duration.ofMinutes(2)).GET().build();
    }

    private HttpRequest.Builder authorised(HttpRequest.Builder request) {
        token.ifPresent(t -> request.header("Authorization", t.authorization()));
        return request;
    }

    /** The body of a 2xx answer, empty for 404; anything else is a CliException a person can act on. */
    private Optional<String> send(HttpRequest request, String service, URI base) {
        if (token.isPresent()) {
            plainHttp.check(request.uri(), "the API token");
        }
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return Optional.of(response.body());
            }
            if (response.statusCode() == 404 && request.method().equals("GET")) {
                return Optional.empty();
            }
            if (response.statusCode() == 404) {
                throw new CliException(ExitCode.NOT_FOUND, service + " found no such thing (HTTP 404): " + errorOf(response.body()));
            }
            if (response.statusCode() == 401) {
                throw new CliException(ExitCode.NOT_AUTHORISED, service + " refused the request (HTTP 401): " + (token.isEmpty()
                        ? "it needs a bearer token: put it in " + ApiToken.FILE_ENV + " (a file) or " + ApiToken.ENV
                        : "the token is not valid there (expired, or signed by a key or issuer it does not trust)"));
            }
            if (response.statusCode() == 403) {
                throw new CliException(ExitCode.NOT_AUTHORISED, service + " refused the request (HTTP 403): the token's "
                        + "roles do not allow it (backups, restore tests, restores and retention need the role operator)");
            }
            if (response.statusCode() / 100 == 4) {
                throw new CliException(ExitCode.USAGE, service + " refused the request (HTTP " + response.statusCode()
                        + "): " + errorOf(response.body()));
            }
            // a server error is no refusal: the service, or what is behind it (the bucket, the broker), is away
            throw new CliException(ExitCode.UNAVAILABLE, service + " cannot answer now (HTTP " + response.statusCode()
                    + "): " + errorOf(response.body()));
        } catch (ConnectException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot reach " + service + " at " + base
                    + ": is it running? (deploy/local/stack status; or set the URL with --backup-url / --storage-url / "
                    + "--verifier-url / --notifier-url)");
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "talking to " + service + " at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
        }
    }

    private static String errorOf(String body) {
        try {
            JsonNode node = new ObjectMapper().readTree(body);
            // an RFC 9457 problem's detail, or the error field of services that predate problems
            return node.has("detail") ? node.get("detail").asText() : node.has("error") ? node.get("error").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }
}
