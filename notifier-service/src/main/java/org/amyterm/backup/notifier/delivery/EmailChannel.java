package org.amyterm.backup.notifier.delivery;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.notifier.config.NotifierConfig;

/**
 * E-mails each alert change (Quarkus mailer, the SMTP server of {@code quarkus.mailer.*}); the
 * mails of one alert form a thread (Message-ID, In-Reply-To), so its resolution follows its opening.
 */
@Singleton
class EmailChannel implements AlertChannel {
    private final NotifierConfig notifier;
    private final NotifierConfig.Email config;
    private final Mailer mailer;
    /**
     * Sends from a thread of its own: called on a Kafka consumer's Vert.x context, the mailer
     * schedules its SMTP work on that context, which never runs it while the caller waits.
     */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "email-sender");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration timeout;

    EmailChannel(NotifierConfig config, Mailer mailer) {
        this.notifier = config;
        this.config = config.email();
        this.mailer = mailer;
        this.timeout = config.delivery().requestTimeout();
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public boolean configured() {
        return config.to().map(to -> !to.isEmpty()).orElse(false);
    }

    @Override
    public NotifierConfig.Route route() {
        return config;
    }

    @Override
    public void deliver(AlertChanged change) {
        List<String> to = config.to().orElseThrow();
        Mail mail = Mail.withText(to.get(0), AlertText.title(change), AlertText.body(change, notifier.catalogueUrl()))
                .setFrom(config.from());
        to.stream().skip(1).forEach(mail::addTo);
        String thread = "<" + Integer.toHexString(change.dedupKey().hashCode()) + "." + change.openedAt().toEpochMilli()
                + "@amyterm-backup>";
        if (change.transition() == AlertChanged.Transition.OPENED) {
            mail.addHeader("Message-ID", thread);
        } else if (change.transition() != AlertChanged.Transition.NOTICE) {
            mail.addHeader("In-Reply-To", thread);
            mail.addHeader("References", thread);
        }
        try {
            CompletableFuture.runAsync(() -> mailer.send(mail), sender).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw DeliveryFailed.unreachable(name() + " (SMTP)", e.getCause());
        } catch (TimeoutException e) {
            throw DeliveryFailed.unreachable(name() + " (SMTP)", new TimeoutException("no answer within " + timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailed.unreachable(name() + " (SMTP)", e);
        }
    }
}
