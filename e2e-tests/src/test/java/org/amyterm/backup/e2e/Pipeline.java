package org.amyterm.backup.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.testsupport.ApiTokens;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.SampleDatabase;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestJvm;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.testsupport.WebhookReceiver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole product as in production: the four services as separate processes (their built
 * {@code quarkus-run.jar}), talking over a real Kafka broker, storing in S3Proxy, dumping and
 * restoring on a real PostgreSQL. Started once per test JVM.
 */
final class Pipeline {
    static final String DATABASE = "amyterm";
    /** The sample schema plus incompressible attachments: a dump of several multipart parts. */
    static final String LARGE_DATABASE = "amyterm_large";
    /** Configured for backups and never backed up by any test: what a newly added database looks like. */
    static final String UNTOUCHED_DATABASE = "amyterm_untouched";
    static final int ATTACHMENTS = 12_000;
    static final int PART_SIZE = 5 * 1024 * 1024;
    static final String BUCKET = "amyterm-backups";
    static final String BACKUP_ROLE = "amyterm_backup";
    static final String STAGING_ROLE = "amyterm_verifier";
    private static final String STAGING_PASSWORD = "Vf-" + UUID.randomUUID().toString().replace("-", "");

    private static Pipeline running;
    private static boolean databasesMade;

    final PostgresServer postgres;
    final KafkaBroker kafka;
    final S3ProxyServer s3;
    final WebhookReceiver webhook;
    final GpgKey key;
    final GpgKey signingKey;
    /** The verifier's evidence-signing key. */
    final GpgKey evidenceKey;
    final Path spool;
    final Path logs;
    /** The backup role's password: the secret that must never leak. */
    final String backupPassword;
    final List<ServerProcess> services = new ArrayList<>();
    private final Map<String, Runnable> started = new HashMap<>();
    private boolean stopped;
    private final Map<String, Map<String, String>> envs = new HashMap<>();
    private final Map<ServerProcess, Integer> replicaPorts = new java.util.concurrent.ConcurrentHashMap<>();
    int backupPort;
    int storagePort;
    int verifierPort;
    int notifierPort;
    /** The bucket, its credentials and the trusted keys, as every service that reads the bucket is given them. */
    private Map<String, String> storeEnv;
    /** The API tokens' key and issuer, as every API is given them. */
    private Map<String, String> tokenEnv;
    /** This pipeline's bucket: each pipeline of the test JVM has its own. */
    final String bucket;
    /** Each service's Kafka client settings beyond the bootstrap servers (its principal on a secured broker). */
    private final Map<String, Map<String, String>> kafkaSettings;
    /** Each service's settings beyond (or instead of) the pipeline's own, by service name. */
    private final Map<String, Map<String, String>> extraEnv;

    private Pipeline(String name, KafkaBroker kafka, String bucket, Map<String, Map<String, String>> kafkaSettings,
            Map<String, Map<String, String>> extraEnv) {
        this.extraEnv = extraEnv;
        postgres = TestServers.postgres();
        this.kafka = kafka;
        this.bucket = bucket;
        this.kafkaSettings = kafkaSettings;
        s3 = TestServers.s3();
        webhook = WebhookReceiver.start();
        Path dir = TestDirs.server(name);
        logs = dir;
        key = GpgKey.generate(TestDirs.server(name + "-key"));
        signingKey = GpgKey.generateSigning(TestDirs.server(name + "-signing"));
        evidenceKey = GpgKey.generateSigning(TestDirs.server(name + "-evidence"));
        spool = TestDirs.server(name + "-spool");
        backupPassword = "Bk-" + UUID.randomUUID().toString().replace("-", "");
        makeDatabases(postgres);
        setBackupPassword(backupPassword);
        try (S3Client client = s3Client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    /** The sample databases, the backup role and the staging role: once per test JVM, for every pipeline. */
    private static synchronized void makeDatabases(PostgresServer postgres) {
        if (databasesMade) {
            return;
        }
        databasesMade = true;
        SampleDatabase.create(postgres, DATABASE, 3000);
        SampleDatabase.create(postgres, LARGE_DATABASE, 3000);
        // 1,600 random bytes a row: about 19 MB that no compressor shrinks below its entropy
        postgres.psql(LARGE_DATABASE, "CREATE TABLE attachment (id int PRIMARY KEY, payload bytea NOT NULL);"
                + " INSERT INTO attachment SELECT g, decode(string_agg(md5(random()::text || g || i), ''), 'hex')"
                + " FROM generate_series(1, " + ATTACHMENTS + ") g, generate_series(1, 100) i GROUP BY g");
        postgres.psql("postgres", "CREATE DATABASE " + UNTOUCHED_DATABASE);
        postgres.psql("postgres", "CREATE ROLE " + BACKUP_ROLE + " LOGIN IN ROLE pg_read_all_data");
        // restore tests run as a role that may create databases and roles, not as a superuser
        postgres.psql("postgres", "CREATE ROLE " + STAGING_ROLE + " LOGIN CREATEDB CREATEROLE PASSWORD '" + STAGING_PASSWORD
                + "'");
    }

    /** The pipeline most tests share: the shared plaintext broker, and the bucket {@link #BUCKET}. */
    static synchronized Pipeline get() {
        if (running == null) {
            Pipeline pipeline = new Pipeline("e2e", TestServers.kafka(), BUCKET, Map.of(), Map.of());
            // registered first: a service that fails to start must not leave the others running
            TestServers.beforeShutdown(pipeline::stopServices);
            pipeline.startServices();
            running = pipeline;
        }
        return running;
    }

    /**
     * Another pipeline, on {@code kafka}, with its own bucket, spool, keys and services, each given
     * its own Kafka client settings ({@code kafkaSettings} by service name, as Kafka property names).
     */
    static Pipeline started(String name, KafkaBroker kafka, Map<String, Map<String, String>> kafkaSettings) {
        return started(name, kafka, kafkaSettings, Map.of());
    }

    /** The same, each service also given {@code extraEnv}'s settings for it (which win over the pipeline's). */
    static Pipeline started(String name, KafkaBroker kafka, Map<String, Map<String, String>> kafkaSettings,
            Map<String, Map<String, String>> extraEnv) {
        Pipeline pipeline = new Pipeline(name, kafka, "amyterm-" + name, kafkaSettings, extraEnv);
        TestServers.beforeShutdown(pipeline::stopServices);
        pipeline.startServices();
        return pipeline;
    }

    /** Stops this pipeline's services (its servers stay: they are shared). */
    void stop() {
        stopServices();
    }

    /**
     * Stops a pipeline's services, then the broker only it used: a class with a broker of its own
     * ends with both gone. Either may be null (its start failed).
     */
    static void stop(Pipeline pipeline, KafkaBroker broker) {
        if (pipeline != null) {
            pipeline.stop();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    /** Sets the backup role's password on the server (psql reads the statement from stdin, not argv). */
    void setBackupPassword(String password) {
        postgres.psql("postgres", "ALTER ROLE " + BACKUP_ROLE + " PASSWORD '" + password + "'");
    }

    S3Client s3Client() {
        return S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
    }

    /** {@code event} as the services write it: with its CloudEvents headers, as anyone with the topic's ACL could. */
    void produceEvent(String topic, org.amyterm.backup.contracts.BackupEvent event) throws Exception {
        java.util.Properties config = new java.util.Properties();
        config.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(config,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<>(topic, event.database(),
                    org.amyterm.backup.contracts.EventJson.write(event));
            record.headers().add("ce_specversion", "1.0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("ce_source", "urn:amyterm-backup:e2e-forger".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("ce_type", event.cloudEventType().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("ce_subject", event.subject().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    String backupUrl() {
        return "http://127.0.0.1:" + backupPort;
    }

    String storageUrl() {
        return "http://127.0.0.1:" + storagePort;
    }

    /** Runs the CLI jar as an operator would; returns exit code and output. */
    CliRun cli(String... args) {
        return cli(Map.of(), args);
    }

    /** The same, with more of the operator's environment (PGPASSWORD, say). */
    CliRun cli(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(TestJvm.command("-jar", module("cli").resolve("target/amyterm-backup.jar").toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            builder.environment().remove("PGPASSWORD");
            builder.environment().putAll(cliEnvironment());
            builder.environment().putAll(environment);
            Process p = builder.start();
            p.getOutputStream().close();
            var err = new java.util.concurrent.CompletableFuture<String>();
            new Thread(() -> {
                try {
                    err.complete(new String(p.getErrorStream().readAllBytes()));
                } catch (IOException e) {
                    err.complete(e.toString());
                }
            }).start();
            String out = new String(p.getInputStream().readAllBytes());
            int exit = p.waitFor();
            return new CliRun(exit, out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What an operator's shell holds to run the CLI against this pipeline: the services' URLs and a token file. */
    Map<String, String> cliEnvironment() throws IOException {
        return Map.of("AMYTERM_BACKUP_URL", backupUrl(), "AMYTERM_STORAGE_URL", storageUrl(),
                "AMYTERM_VERIFIER_URL", "http://127.0.0.1:" + verifierPort,
                "AMYTERM_NOTIFIER_URL", "http://127.0.0.1:" + notifierPort,
                "AMYTERM_BACKUP_TOKEN_FILE", operatorTokenFile().toString());
    }

    /** An operator's token in a file, as the CLI is given it; a fresh one for each run, so none expires. */
    private Path operatorTokenFile() throws IOException {
        Path file = logs.resolve("operator.jwt");
        Files.writeString(file, ApiTokens.operator() + "\n");
        return file;
    }

    /** A GET on a service's API with an operator's token. */
    static java.net.http.HttpRequest authorisedGet(String url) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", "Bearer " + ApiTokens.operator()).build();
    }

    record CliRun(int exit, String out, String err) {
    }

    private void startServices() {
        // every service: the broker, and the key and issuer its API tokens are verified against
        tokenEnv = Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", ApiTokens.publicKeyFile(logs).toString(),
                "MP_JWT_VERIFY_ISSUER", ApiTokens.ISSUER);
        Map<String, String> kafkaEnv = new HashMap<>(tokenEnv);
        kafkaEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        storeEnv = Map.of(
                "AMYTERM_STORE_ENDPOINT", s3.endpoint(),
                "AMYTERM_STORE_BUCKET", bucket,
                "AMYTERM_STORE_PATH_STYLE", "true",
                "AWS_ACCESS_KEY_ID", s3.accessKey(),
                "AWS_SECRET_ACCESS_KEY", s3.secretKey(),
                "AWS_REGION", "us-east-1",
                // whose signatures a manifest and evidence read from the bucket must carry
                "AMYTERM_STORE_TRUST_MANIFEST_KEY_FILES", signingKey.publicKey().toString(),
                "AMYTERM_STORE_TRUST_EVIDENCE_KEY_FILES", evidenceKey.publicKey().toString());
        String pgBin = postgres.binDir().toString();

        backupPort = FreePort.next();
        Map<String, String> backup = new HashMap<>(kafkaEnv);
        backup.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(backupPort),
                "AMYTERM_BACKUP_SOURCE_HOST", postgres.host(),
                "AMYTERM_BACKUP_SOURCE_PORT", Integer.toString(postgres.port()),
                "AMYTERM_BACKUP_SOURCE_USER", BACKUP_ROLE,
                "AMYTERM_BACKUP_SOURCE_DATABASES", DATABASE + "," + LARGE_DATABASE + "," + UNTOUCHED_DATABASE,
                "PGPASSWORD", backupPassword,
                "AMYTERM_BACKUP_SPOOL_DIR", spool.toString(),
                "AMYTERM_BACKUP_SCHEDULE_CRON", "off",
                "AMYTERM_BACKUP_DUMP_PG_BIN_DIR", pgBin,
                // a killed replica's partitions move on within seconds
                "KAFKA_SESSION_TIMEOUT_MS", "10000"));
        // the sample databases are Amy-Term's: their restore tests add Amy-Term's own checks
        backup.put("AMYTERM_BACKUP_SOURCE_CHECK_PROFILE", "amyterm");
        // a login held back on purpose (the broker-outage test) waits rather than fails
        backup.put("AMYTERM_BACKUP_DUMP_CONNECT_TIMEOUT", "60s");
        start("backup-service", backup, backupPort);

        storagePort = FreePort.next();
        Map<String, String> storage = new HashMap<>(kafkaEnv);
        storage.putAll(storeEnv);
        storage.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(storagePort),
                "AMYTERM_STORAGE_SPOOL_DIR", spool.toString(),
                "AMYTERM_STORE_UPLOAD_PART_SIZE_BYTES", Integer.toString(PART_SIZE),
                "AMYTERM_STORAGE_ENCRYPTION_PUBLIC_KEY_FILE", key.publicKey().toString(),
                "AMYTERM_STORAGE_SIGNING_SECRET_KEY_FILE", signingKey.secretKey().toString(),
                // a killed replica's partitions move on within seconds, and its leftovers are swept soon
                "KAFKA_SESSION_TIMEOUT_MS", "10000",
                "AMYTERM_STORAGE_SWEEP_FIRST_AFTER", "5s",
                "AMYTERM_STORAGE_SWEEP_EVERY", "5s",
                // a replica killed after completing an object but before its manifest: its object is
                // taken as abandoned after 15 s, not 10 min
                "AMYTERM_STORAGE_RETRY_ABANDONED_OBJECT_AGE", "15s",
                "AMYTERM_STORAGE_RETRY_INITIAL_DELAY", "2s"));
        start("storage-service", storage, storagePort);

        verifierPort = FreePort.next();
        Map<String, String> verifier = new HashMap<>(kafkaEnv);
        verifier.putAll(storeEnv);
        verifier.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(verifierPort),
                "AMYTERM_VERIFIER_STAGING_HOST", postgres.host(),
                "AMYTERM_VERIFIER_STAGING_PORT", Integer.toString(postgres.port()),
                "AMYTERM_VERIFIER_STAGING_USER", STAGING_ROLE,
                "PGPASSWORD", STAGING_PASSWORD,
                "AMYTERM_VERIFIER_EVIDENCE_SIGNING_KEY_FILE", evidenceKey.secretKey().toString(),
                "AMYTERM_VERIFIER_STAGING_ALLOW_SOURCE_SERVER", "true",
                "AMYTERM_VERIFIER_DECRYPTION_PRIVATE_KEY_FILE", key.secretKey().toString(),
                "AMYTERM_VERIFIER_SIGNING_PUBLIC_KEY_FILES", signingKey.publicKey().toString(),
                "AMYTERM_VERIFIER_RESTORE_PG_BIN_DIR", pgBin));
        // the amyterm profile's smoke checks ask the sample application on each restored copy
        verifier.put("AMYTERM_VERIFIER_APP_COMMAND", String.join(",", TestJvm.command("-jar",
                module("sample-app").resolve("target/amyterm-sample-app.jar").toString())));
        start("verifier-service", verifier, verifierPort);

        notifierPort = FreePort.next();
        Path auditKey = logs.resolve("audit.key");
        try {
            if (!Files.exists(auditKey)) { // kept: an earlier run's trail in this folder was sealed with it
                Files.writeString(auditKey, UUID.randomUUID() + "-" + UUID.randomUUID());
                Files.deleteIfExists(logs.resolve("audit.jsonl")); // sealed with another key, or none
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> notifier = new HashMap<>(kafkaEnv);
        notifier.putAll(storeEnv);
        notifier.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(notifierPort),
                "AMYTERM_NOTIFIER_WEBHOOK_URL", webhook.url(),
                "AMYTERM_NOTIFIER_AUDIT_OUTPUT", logs.resolve("audit.jsonl").toString(),
                "AMYTERM_NOTIFIER_AUDIT_KEY_FILE", auditKey.toString(),
                // a killed notifier's partitions move on to its restart within seconds
                "KAFKA_SESSION_TIMEOUT_MS", "10000"));
        start("notifier-service", notifier, notifierPort);
    }

    /**
     * The console, reading this pipeline's bucket and asking its services (plain HTTP on this host);
     * its port once it listens. Stopped with the pipeline.
     */
    synchronized int startConsole() {
        if (consolePort == 0) {
            int port = FreePort.next();
            Map<String, String> console = new HashMap<>(tokenEnv);
            console.putAll(storeEnv);
            console.putAll(Map.of(
                    "QUARKUS_HTTP_PORT", Integer.toString(port),
                    "QUARKUS_REST_CLIENT_BACKUP_URL", backupUrl(),
                    "QUARKUS_REST_CLIENT_STORAGE_URL", storageUrl(),
                    "QUARKUS_REST_CLIENT_VERIFIER_URL", "http://127.0.0.1:" + verifierPort,
                    "QUARKUS_REST_CLIENT_NOTIFIER_URL", "http://127.0.0.1:" + notifierPort,
                    "AMYTERM_CONSOLE_SESSION_SECURE_COOKIE", "false"));
            start("console", console, port);
            consolePort = port;
        }
        return consolePort;
    }

    private int consolePort;

    private void start(String service, Map<String, String> pipelineEnv, int port) {
        Map<String, String> serviceEnv = new HashMap<>(pipelineEnv);
        serviceEnv.putAll(extraEnv.getOrDefault(service, Map.of()));
        ServerProcess process = launch(service, serviceEnv, kafkaSettings.getOrDefault(service, Map.of()), service + ".log");
        envs.put(service, serviceEnv);
        started.put(service, () -> start(service, serviceEnv, port));
        FreePort.awaitListening(port, Duration.ofSeconds(90), process);
    }

    /**
     * One more process of {@code service}, configured as the first but on another HTTP port and with
     * {@code kafkaSettings} as its Kafka client settings; not awaited (it may be meant to fail).
     */
    ServerProcess launchAnother(String service, Map<String, String> kafkaSettings, String logName) {
        Map<String, String> env = new HashMap<>(envs.get(service));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(FreePort.next()));
        return launch(service, env, kafkaSettings, logName);
    }

    /** A second (third…) replica of {@code service}, configured as the first, once it listens. */
    ServerProcess startReplica(String service, String logName) {
        Map<String, String> env = new HashMap<>(envs.get(service));
        int port = FreePort.next();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        ServerProcess process = launch(service, env, kafkaSettings.getOrDefault(service, Map.of()), logName);
        FreePort.awaitListening(port, Duration.ofSeconds(90), process);
        replicaPorts.put(process, port);
        return process;
    }

    /** The HTTP port of a replica {@link #startReplica} started. */
    int portOf(ServerProcess replica) {
        return replicaPorts.get(replica);
    }

    /** The first process started of {@code service} in this pipeline. */
    ServerProcess first(String service) {
        return services.stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow();
    }

    private ServerProcess launch(String service, Map<String, String> serviceEnv, Map<String, String> kafka, String logName) {
        Map<String, String> env = new HashMap<>(serviceEnv);
        // Quarkus takes KAFKA_X_Y as kafka.x.y, for every channel and client of the service
        kafka.forEach((property, value) -> env.put("KAFKA_" + property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        Path jar = module(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the services are built before this module (mvn verify)");
        }
        ServerProcess process = ServerProcess.start(service, TestJvm.command("-Xmx128m", "-XX:+UseSerialGC",
                "-jar", jar.toString()), env, logs, logs.resolve(logName));
        services.add(process);
        return process;
    }

    /** Kills a service with SIGKILL (no shutdown hook runs), as a crashed node would end. */
    void kill(String service) {
        services.stream().filter(s -> s.name().equals(service) && s.isAlive()).forEach(s -> s.stop("KILL"));
    }

    /** Starts a service again with the configuration it first had. */
    void startAgain(String service) {
        started.get(service).run();
    }

    /** Stops the services at once, not one after the other: each takes seconds to leave its consumer groups. */
    private synchronized void stopServices() {
        if (stopped) {
            return;
        }
        stopped = true;
        services.parallelStream().forEach(s -> s.stop("TERM"));
        webhook.close();
    }

    static Path module(String name) {
        return TestDirs.repositoryRoot().resolve(name);
    }

}
