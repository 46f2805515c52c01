package org.amyterm.backup.notifier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.testsupport.CuttingRelay;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.testsupport.WebhookReceiver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The notifier's world, all real: a Kafka broker of its own (the readiness test stops it and starts
 * it again), S3Proxy behind a relay that can drop every connection, a GreenMail SMTP server, and
 * HTTP receivers for the webhook and for the Slack and PagerDuty stand-ins (answering as they do).
 * Short windows: a database watched with an RPO of 20 s, channel retries from 1 s. Every test class
 * of the module uses it, so the application starts once.
 */
public class NotifierResource implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "notifier-unit";
    public static final String WATCHED = "watched_db";
    /** Watched with an RPO of 1 h; the bucket holds a backup stored 30 min ago (no event says so). */
    public static final String BUCKET_FRESH = "bucket_fresh";
    /** Watched with an RPO of 1 h; the bucket's newest backup was stored 2 h ago. */
    public static final String BUCKET_STALE = "bucket_stale";
    public static Instant staleStoredAt;
    /** Watched with an RPO of 1 h; the bucket holds an unsigned manifest of it, planted 10 min ago. */
    public static final String BUCKET_PLANTED = "bucket_planted";
    /** Not configured here; the test of a folder caught between its two writes writes its manifest, then its signature. */
    public static final String BUCKET_SIGNING = "bucket_signing";
    /** Not configured here at all; the bucket holds its backup stored 2 h ago, whose manifest records an RPO of 1 h. */
    public static final String BUCKET_ONLY = "bucket_only";
    /** Like BUCKET_ONLY; the test of declared schedules leaves it out of the backup service's declaration. */
    public static final String BUCKET_DROPPED = "bucket_dropped";
    public static final String HMAC_SECRET = "hmac-" + UUID.randomUUID();
    public static final String ROUTING_KEY = "R" + UUID.randomUUID().toString().replace("-", "");
    public static final String SLACK_TOKEN = "XoxSecret" + UUID.randomUUID().toString().replace("-", "");
    public static WebhookReceiver webhook;
    public static WebhookReceiver slack;
    public static WebhookReceiver pagerDuty;
    public static GreenMail mail;
    public static Path audit;
    /** The secret sealing the audit trail (what an auditor holds). */
    public static Path auditKey;
    /** This run's trail name: checkpoints of earlier runs (other keys) stay apart in the bucket. */
    public static final String AUDIT_TRAIL = "unit-" + UUID.randomUUID().toString().substring(0, 8);
    public static Path log;
    public static KafkaBroker broker;
    public static CuttingRelay relay;
    /** The storage service's manifest-signing key, and the verifiers' evidence key: what the watchdog believes. */
    public static GpgKey signingKey;
    public static GpgKey evidenceKey;

    @Override
    public Map<String, String> start() {
        webhook = WebhookReceiver.start();
        slack = WebhookReceiver.start(200, "ok");
        pagerDuty = WebhookReceiver.start(202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
        mail = new GreenMail(new ServerSetup(FreePort.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Path dir = TestDirs.server("notifier");
        audit = dir.resolve("audit.jsonl");
        log = dir.resolve("notifier.log");
        if (broker == null) {
            broker = KafkaBroker.start("kafka-notifier");
            URI s3 = URI.create(TestServers.s3().endpoint());
            relay = new CuttingRelay(s3.getHost(), s3.getPort());
        }
        Map<String, String> config = new HashMap<>(TestServers.s3().storeConfig(BUCKET));
        config.put("amyterm.store.endpoint", "http://127.0.0.1:" + relay.port());
        config.put("amyterm.store.retry.max-attempts", "2");
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("quarkus.http.test-port", "0");
        config.put("quarkus.log.file.enabled", "true");
        config.put("quarkus.log.file.path", log.toString());
        config.put("quarkus.log.category.\"software.amazon\".level", "WARN");
        config.put("amyterm.notifier.webhook.url", webhook.url());
        config.put("amyterm.notifier.webhook.hmac-secret", HMAC_SECRET);
        config.put("amyterm.notifier.slack.webhook-url", slack.baseUrl() + "/services/T0/B0/" + SLACK_TOKEN);
        config.put("amyterm.notifier.email.to", "oncall@example.org");
        config.put("amyterm.notifier.email.from", "backup@example.org");
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(mail.getSmtp().getPort()));
        // GreenMail offers STARTTLS with a certificate nobody trusts: plain SMTP on the loopback
        config.put("quarkus.mailer.start-tls", "DISABLED");
        config.put("amyterm.notifier.pagerduty.routing-key", ROUTING_KEY);
        config.put("amyterm.notifier.pagerduty.events-url", pagerDuty.baseUrl());
        config.put("amyterm.notifier.pagerduty.min-severity", "warning");
        config.put("amyterm.notifier.catalogue-url", "https://backups.example.org");
        config.put("amyterm.notifier.delivery.initial-delay", "1s");
        config.put("amyterm.notifier.delivery.max-delay", "5s");
        config.put("amyterm.notifier.delivery.request-timeout", "5s");
        config.put("amyterm.notifier.watchdog.every", "2s");
        config.put("amyterm.notifier.watchdog.untrusted-settle", "8s");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".rpo", "20s");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".verification-window", "1h");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".rto", "5s");
        for (String database : new String[] {BUCKET_FRESH, BUCKET_STALE, BUCKET_PLANTED}) {
            config.put("amyterm.notifier.watchdog.databases." + database + ".rpo", "1h");
        }
        if (signingKey == null) {
            signingKey = GpgKey.generateSigning(TestDirs.server("notifier-manifest-signer"));
            evidenceKey = GpgKey.generateSigning(TestDirs.server("notifier-evidence-signer"));
        }
        config.put("amyterm.store.trust.manifest-key-files", signingKey.publicKey().toString());
        config.put("amyterm.store.trust.evidence-key-files", evidenceKey.publicKey().toString());
        staleStoredAt = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        storeBackup(BUCKET_FRESH, Instant.now().minus(Duration.ofMinutes(30)));
        storeBackup(BUCKET_STALE, staleStoredAt);
        storeBackup(BUCKET_PLANTED, Instant.now().minus(Duration.ofMinutes(10)), false);
        storeBackup(BUCKET_ONLY, Instant.now().minus(Duration.ofHours(2)), true, "PT1H");
        storeBackup(BUCKET_DROPPED, Instant.now().minus(Duration.ofHours(2)), true, "PT1H");
        config.put("amyterm.notifier.audit.output", audit.toString());
        auditKey = dir.resolve("audit.key");
        try {
            Files.writeString(auditKey, UUID.randomUUID() + "-" + UUID.randomUUID() + "\n");
            Files.deleteIfExists(audit); // an earlier run's lines were sealed with its own key
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("amyterm.notifier.audit.key-file", auditKey.toString());
        config.put("amyterm.notifier.audit.trail", AUDIT_TRAIL);
        // a new dead-letter topic is found within seconds, not the default half minute
        config.put("mp.messaging.incoming.dead-letters.metadata.max.age.ms", "3000");
        config.put("amyterm.notifier.dead-letters.quiet-period", "30s");
        config.put("amyterm.notifier.refusals.quiet-period", "30s");
        // a new topic is read by the audit trail within seconds
        config.put("kafka.metadata.max.age.ms", "3000");
        return config;
    }

    /** A backup's manifest in the bucket, as the storage service leaves it, stored at the given time. */
    private static void storeBackup(String database, Instant storedAt) {
        storeBackup(database, storedAt, true);
    }

    /** As above; {@code signed} false: as someone without the storage key would plant it. */
    private static void storeBackup(String database, Instant storedAt, boolean signed) {
        storeBackup(database, storedAt, signed, null);
    }

    /** As above, the manifest recording {@code rpo} as the backup service's configuration does. */
    private static void storeBackup(String database, Instant storedAt, boolean signed, String rpo) {
        String id = BackupId.of(storedAt, database);
        String text = writeManifest(database, id, storedAt, rpo);
        if (signed) {
            writeSignature(database, id, text);
        }
    }

    /**
     * A backup's manifest written now without its signature, as the storage service leaves a folder
     * for a moment between its two writes; {@link #signManifest} writes the signature after it.
     */
    public static String writeUnsignedManifest(String database, Instant storedAt) {
        String id = BackupId.of(storedAt, database);
        writeManifest(database, id, storedAt, null);
        return id;
    }

    /** The signature of the manifest {@link #writeUnsignedManifest} wrote, by the storage key. */
    public static void signManifest(String database, String backupId) {
        try (S3Client client = s3Client()) {
            String text = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(LAYOUT.manifestKey(database, backupId)))
                    .asUtf8String();
            writeSignature(database, backupId, text);
        }
    }

    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");

    private static String writeManifest(String database, String id, Instant storedAt, String rpo) {
        Manifest manifest = new Manifest(1, id, database, BackupReason.SCHEDULED, NodeRole.CENTRAL, "15", "pg_dump 15",
                null, Map.of(), new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 10, "a"),
                new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, "AES-256", "F", null),
                new Manifest.StoredObject(LAYOUT.dumpKey(database, id), 10, "b"), storedAt, storedAt, storedAt,
                rpo == null ? null : new org.amyterm.backup.contracts.DumpDetails("default", List.of(), List.of(),
                        List.of(), "generic", "daily", rpo, "PT4H", null));
        try (S3Client client = s3Client()) {
            try {
                client.createBucket(b -> b.bucket(BUCKET));
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                // there already
            }
            String text = EventJson.writeForPeople(manifest);
            client.putObject(b -> b.bucket(BUCKET).key(LAYOUT.manifestKey(database, id)), RequestBody.fromString(text));
            return text;
        }
    }

    private static void writeSignature(String database, String id, String text) {
        try (S3Client client = s3Client()) {
            client.putObject(b -> b.bucket(BUCKET).key(LAYOUT.manifestSignatureKey(database, id)),
                    RequestBody.fromString(signingKey.sign(text)));
        }
    }

    private static S3Client s3Client() {
        S3ProxyServer s3 = TestServers.s3();
        return S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()))).build();
    }

    @Override
    public void stop() {
        broker.stop();
        broker = null;
        try {
            relay.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        webhook.close();
        slack.close();
        pagerDuty.close();
        mail.stop();
    }
}
