package org.amyterm.backup.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amyterm.backup.contracts.AlertChanged.Severity;
import org.amyterm.backup.messaging.RetryWindow;

/** Configuration of the notifier service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.notifier")
public interface NotifierConfig {

    Webhook webhook();

    Slack slack();

    Email email();

    PagerDuty pagerduty();

    Delivery delivery();

    /** How long recording an alert rides out a Kafka outage before its event is set aside. */
    RetryWindow.Settings retry();

    Watchdog watchdog();

    DeadLetters deadLetters();

    Refusals refusals();

    Audit audit();

    /** Base URL of the storage service's catalogue, for links in alerts ({@code <url>/backups/<id>}). */
    Optional<URI> catalogueUrl();

    /** Which alerts a channel takes: the least severity, and optionally only some databases. */
    interface Route {
        Severity minSeverity();

        /** Only alerts of these databases (alerts of no database, such as dead letters, always); empty: all. */
        Optional<Set<String>> databases();
    }

    interface Webhook extends Route {
        /** Where alerts are POSTed as JSON with CloudEvents HTTP headers; empty: no webhook. */
        Optional<URI> url();

        /** Secret of the HMAC-SHA256 signature in {@code X-Amyterm-Signature}; empty: unsigned. */
        Optional<String> hmacSecret();

        /** Also post passing verifications and completed restores (severity info), not only alerts. */
        @WithDefault("true")
        boolean includeVerifications();

        @Override
        @WithDefault("info")
        Severity minSeverity();
    }

    interface Slack extends Route {
        /** The Slack incoming-webhook URL (a secret: it holds the token); empty: no Slack. */
        Optional<URI> webhookUrl();

        @Override
        @WithDefault("warning")
        Severity minSeverity();
    }

    interface Email extends Route {
        /** Recipients; empty: no e-mail. The SMTP server is {@code quarkus.mailer.*}. */
        Optional<List<String>> to();

        @WithDefault("amyterm-backup@localhost")
        String from();

        @Override
        @WithDefault("warning")
        Severity minSeverity();
    }

    interface PagerDuty extends Route {
        /** The Events API v2 integration key (a secret); empty: no PagerDuty. */
        Optional<String> routingKey();

        @WithDefault("https://events.pagerduty.com")
        URI eventsUrl();

        @Override
        @WithDefault("critical")
        Severity minSeverity();
    }

    interface Delivery {
        /**
         * How long a channel that is down is retried before the alert is set aside on the
         * channel's dead-letter topic (which alerts on the other channels).
         */
        @WithDefault("7d")
        Duration window();

        @WithDefault("5s")
        Duration initialDelay();

        @WithDefault("1m")
        Duration maxDelay();

        /** A channel's request that takes longer than this failed (and is retried). */
        @WithDefault("30s")
        Duration requestTimeout();

        default RetryWindow retryWindow() {
            return new RetryWindow("amyterm.notifier.delivery", window(), initialDelay(), maxDelay());
        }
    }

    interface Watchdog {
        /** How often each watched database's RPO, verification window and RTO are checked. */
        @WithDefault("1m")
        Duration every();

        /**
         * How long a backup folder must stay untrusted before it is alerted: the services write a
         * folder file by file (a manifest, then its signature), so a look between two writes sees a
         * file not yet proved that the next write proves.
         */
        @WithDefault("2m")
        Duration untrustedSettle();

        /**
         * What is known of some databases beforehand: each is watched from start-up (a database
         * with no backup yet is alerted once its RPO has passed) and its settings override what its
         * manifests record. Every database with a backup in the bucket is watched as well.
         */
        Map<String, Watched> databases();

        interface Watched {
            /**
             * No stored backup for longer than this is an alert; empty: the RPO its newest manifest
             * records (the backup service's), else the default.
             */
            Optional<Duration> rpo();

            /** No backup taken within this has passed its restore test: an alert (a re-test of an older one does not count). */
            @WithDefault("8d")
            Duration verificationWindow();

            /** The RTO target; empty: the target the backup recorded (the backup service's), else 4h. */
            Optional<Duration> rto();
        }
    }

    interface DeadLetters {
        /** A dead-letter alert resolves after this long without another dead letter on its topic. */
        @WithDefault("1h")
        Duration quietPeriod();
    }

    /** Alerts about refused input (request-refused). */
    interface Refusals {
        /** A request-refused alert resolves after this long without another refusal in its scope. */
        @WithDefault("1h")
        Duration quietPeriod();
    }

    interface Audit {
        /** {@code none}, {@code stdout}, or the path of a file the trail is appended to. */
        @WithDefault("none")
        String output();

        /**
         * The file holding the secret (at least 32 bytes) that seals each line and checkpoint
         * (HMAC-SHA256); required unless output is none. Auditors check the trail with it.
         */
        Optional<java.nio.file.Path> keyFile();

        /** The trail's name in its checkpoints' keys ({@code .audit/<trail>/checkpoints/}); a new file takes a new name. */
        @WithDefault("notifier")
        String trail();

        /** How often a checkpoint (line count and chain head) of a file trail is written to the bucket, if lines were added; and at shutdown. */
        @WithDefault("10m")
        Duration checkpointEvery();

        /** How long Object Lock keeps each checkpoint, where the bucket locks objects (amyterm.store.object-lock). */
        @WithDefault("400d")
        Duration checkpointLock();
    }
}
