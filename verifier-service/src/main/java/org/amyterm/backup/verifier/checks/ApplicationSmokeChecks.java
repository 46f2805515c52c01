package org.amyterm.backup.verifier.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.restore.PgTarget;

/**
 * The application itself on the restored database (procedure section 6): starts the configured
 * command with the database in its environment, waits until it is healthy, asks its four
 * endpoints, compares what they say with what the dump recorded (how many code systems and value
 * sets, the schema version), and stops it. Details hold counts, statuses and content types only.
 * It runs beside the database checks ({@link #start}): the application's start and first queries
 * need the staging server, not the verifier's connection, so they need not wait for the sampled rows.
 */
final class ApplicationSmokeChecks {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the application may inherit of the verifier's environment: nothing secret. */
    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TZ");

    /** How long the application's login outlives its start timeout before it stops working by itself. */
    private static final Duration LOGIN_MARGIN = Duration.ofHours(1);
    /** How long stopping the application may take (destroy, then destroy forcibly: 10 s each). */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(25);

    private final VerifierConfig.Application config;
    private final String loginPrefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService beside = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "app-smoke-checks");
        thread.setDaemon(true);
        return thread;
    });

    ApplicationSmokeChecks(VerifierConfig.Application config, String loginPrefix) {
        this.config = config;
        this.loginPrefix = loginPrefix;
    }

    /** The checks, and when the first of them passed (empty if none did, or none ran). */
    record Result(List<CheckResult> checks, Optional<Instant> firstPassedAt) {
    }

    /**
     * Starts the application on {@code database} and asks it, on a thread of its own: the caller
     * goes on (checking the database) and collects the result with {@link Running#await()}. With
     * {@code restored} (a staging database, connected as the staging role), the application logs in
     * as a {@link ReadOnlyLogin} made here, on the caller's thread, and dropped by
     * {@link Running#close()}, never as the staging role; without (an operator's target), as the
     * target's role. Only the caller uses {@code restored}. A login that cannot be made is the
     * staging server's fault (SQLException), not the backup's.
     */
    Running start(PgTarget database, Optional<Connection> restored, Manifest manifest) throws SQLException {
        // RestoreChecks asks only a configured application; without one the SQL smoke checks stand in
        if (config.command().filter(command -> !command.isEmpty()).isEmpty()) {
            throw new IllegalStateException("no application command configured (amyterm.verifier.app.command)");
        }
        Optional<ReadOnlyLogin> login = restored.isPresent()
                ? Optional.of(ReadOnlyLogin.create(restored.get(), loginPrefix, config.startTimeout().plus(LOGIN_MARGIN)))
                : Optional.empty();
        PgTarget target = login.map(l -> l.target(database)).orElse(database);
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            // a FutureTask: cancelling it interrupts the thread asking the application, which then stops it
            Future<Result> result = beside.submit(() -> {
                try {
                    return run(target, manifest);
                } finally {
                    stopped.countDown();
                }
            });
            return new Running(result, stopped, login, restored);
        } catch (RuntimeException e) {
            login.ifPresent(l -> l.dropQuietly(restored.get()));
            throw e;
        }
    }

    /** Stops the threads that ask applications (the service is stopping). */
    void shutdown() {
        beside.shutdownNow();
    }

    /** The longest the application's checks can take: its start, four requests, and its stop. */
    Duration limit() {
        return config.startTimeout().plus(config.requestTimeout().multipliedBy(4)).plus(STOP_MARGIN);
    }

    /** The application's checks under way; {@link #close()} stops them if need be and drops its login. */
    final class Running implements AutoCloseable {
        private final Future<Result> result;
        private final CountDownLatch stopped;
        private final Optional<ReadOnlyLogin> login;
        private final Optional<Connection> restored;

        private Running(Future<Result> result, CountDownLatch stopped, Optional<ReadOnlyLogin> login,
                Optional<Connection> restored) {
            this.result = result;
            this.stopped = stopped;
            this.login = login;
            this.restored = restored;
        }

        /** The checks' results, once the application has been asked and stopped (at most {@link #limit()}). */
        Result await() {
            Duration limit = limit();
            try {
                return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                return new Result(List.of(CheckResult.fail("app-start", "the application's checks did not finish within "
                        + limit + " (amyterm.verifier.app.start-timeout, four times request-timeout, and its stop)")),
                        Optional.empty());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
                return new Result(List.of(CheckResult.fail("app-start", "interrupted while the application was asked")),
                        Optional.empty());
            } catch (ExecutionException e) {
                return new Result(List.of(CheckResult.fail("app-start", "asking the application failed: " + e.getCause())),
                        Optional.empty());
            }
        }

        @Override
        public void close() {
            result.cancel(true);
            try {
                // its login is dropped once the application is stopped, not while it is still connected
                stopped.await(STOP_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            login.ifPresent(l -> l.dropQuietly(restored.get()));
        }
    }

    private Result run(PgTarget database, Manifest manifest) {
        int port = freePort();
        Process app;
        try {
            app = start(database, port);
        } catch (IOException e) {
            return new Result(List.of(CheckResult.fail("app-start", "the application command could not be started: "
                    + e.getMessage())), Optional.empty());
        }
        try {
            String base = "http://127.0.0.1:" + port;
            long starting = System.nanoTime();
            Optional<String> notUp = awaitHealthy(app, base);
            long startMillis = (System.nanoTime() - starting) / 1_000_000;
            if (notUp.isPresent()) {
                return new Result(List.of(CheckResult.fail("app-start", notUp.get()).took(startMillis)), Optional.empty());
            }
            List<CheckResult> checks = new ArrayList<>();
            checks.add(CheckResult.pass("app-start", "healthy (" + config.healthPath() + ") after " + startMillis + " ms")
                    .took(startMillis));
            Instant[] firstPassed = new Instant[1];
            java.util.function.Consumer<CheckResult> add = check -> {
                if (check.passed() && firstPassed[0] == null) {
                    firstPassed[0] = Instant.now();
                }
                checks.add(check);
            };
            add.accept(Timed.check(() -> list("app-codesystems", base + "/codesystems", "code systems",
                    manifest.tableRowCounts().get("public.code_system"))));
            add.accept(Timed.check(() -> list("app-valuesets", base + "/valuesets", "value sets",
                    manifest.tableRowCounts().get("public.value_set"))));
            add.accept(Timed.check(() -> metadata(base + "/fhir/metadata", manifest.schemaVersion())));
            add.accept(Timed.check(() -> atcBrowser(base + "/atc/browser?search="
                    + URLEncoder.encode(config.atcSearch(), StandardCharsets.UTF_8))));
            return new Result(checks, Optional.ofNullable(firstPassed[0]));
        } finally {
            stop(app);
        }
    }

    private Process start(PgTarget database, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(config.command().get())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        Map<String, String> own = Map.copyOf(env);
        env.clear();
        INHERITED.forEach(name -> {
            if (own.containsKey(name)) {
                env.put(name, own.get(name));
            }
        });
        env.put("PGHOST", database.host());
        env.put("PGPORT", Integer.toString(database.port()));
        env.put("PGDATABASE", database.database());
        env.put("PGUSER", database.user());
        database.password().ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PORT", Integer.toString(port));
        return builder.start();
    }

    /** Empty once the health path answers 200; otherwise why it never did. */
    private Optional<String> awaitHealthy(Process app, String base) {
        Instant deadline = Instant.now().plus(config.startTimeout());
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!app.isAlive()) {
                return Optional.of("the application exited with " + app.exitValue() + " before it was healthy");
            }
            try {
                HttpResponse<String> health = get(base + config.healthPath());
                if (health.statusCode() == 200) {
                    return Optional.empty();
                }
                last = "HTTP " + health.statusCode();
            } catch (IOException e) {
                last = "not listening yet";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for the application");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for the application");
            }
        }
        return Optional.of("the application did not answer " + config.healthPath() + " with 200 within "
                + config.startTimeout() + " (amyterm.verifier.app.start-timeout; last: " + last + ")");
    }

    private CheckResult list(String name, String url, String what, Long recorded) {
        return ask(name, url, "application/json", body -> {
            if (!body.isArray()) {
                return Optional.of("answered something else than a list");
            }
            if (recorded != null && body.size() != recorded) {
                return Optional.of("listed " + body.size() + " " + what + ", the dump had " + recorded);
            }
            return Optional.empty();
        }, body -> body.size() + " " + what + (recorded == null ? "" : ", as at dump time"));
    }

    private CheckResult metadata(String url, String schemaVersion) {
        return ask("app-fhir-metadata", url, "application/fhir+json", body -> {
            if (!"CapabilityStatement".equals(body.path("resourceType").asText())) {
                return Optional.of("answered a " + body.path("resourceType").asText("non-FHIR document")
                        + ", not a CapabilityStatement");
            }
            String version = body.path("software").path("version").asText(null);
            if (schemaVersion != null && !schemaVersion.equals(version)) {
                return Optional.of("reports schema version " + version + ", the dump had " + schemaVersion);
            }
            return Optional.empty();
        }, body -> "a CapabilityStatement, FHIR " + body.path("fhirVersion").asText() + ", schema version "
                + body.path("software").path("version").asText());
    }

    private CheckResult atcBrowser(String url) {
        return ask("app-atc-browser", url, "application/json",
                body -> body.isArray() && !body.isEmpty() ? Optional.empty() : Optional.of("found nothing"),
                body -> body.size() + " ATC codes found");
    }

    private CheckResult ask(String name, String url, String contentType, Judge judge, Describe describe) {
        try {
            HttpResponse<String> response = get(url);
            String type = response.headers().firstValue("Content-Type").orElse("none");
            if (response.statusCode() != 200) {
                return CheckResult.fail(name, "HTTP " + response.statusCode());
            }
            if (!type.startsWith(contentType)) {
                return CheckResult.fail(name, "content type " + type + ", expected " + contentType);
            }
            JsonNode body = JSON.readTree(response.body());
            Optional<String> wrong = judge.wrong(body);
            return wrong.isPresent() ? CheckResult.fail(name, wrong.get())
                    : CheckResult.pass(name, "HTTP 200 " + contentType + ": " + describe.of(body));
        } catch (IOException e) {
            return CheckResult.fail(name, "no usable answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(name, "interrupted");
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(config.requestTimeout()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void stop(Process app) {
        app.destroy();
        try {
            if (!app.waitFor(10, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            app.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the application", e);
        }
    }

    @FunctionalInterface
    private interface Judge {
        Optional<String> wrong(JsonNode body);
    }

    @FunctionalInterface
    private interface Describe {
        String of(JsonNode body);
    }
}
