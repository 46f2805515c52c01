package org.amyterm.backup.notifier.delivery;

import java.net.URI;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Transition;

/**
 * What a person reads, the same on every channel: a title, the summary, and where to look. Text
 * from events (a database name, say) has its control characters replaced, so it cannot forge
 * lines or headers.
 */
final class AlertText {
    private AlertText() {
    }

    static String title(AlertChanged change) {
        String state = change.isAcknowledgement() ? "ACKNOWLEDGED" : switch (change.transition()) {
            case RESOLVED -> "RESOLVED";
            case NOTICE -> "INFO";
            default -> change.severity().code().toUpperCase(java.util.Locale.ROOT);
        };
        String what = change.transition() == Transition.NOTICE ? change.summary() : change.condition() + " of "
                + (change.database() != null ? change.database() : change.alertId().substring(change.condition().length() + 1));
        return oneLine("[" + state + "] Amy-Term Backup: " + what, 200);
    }

    /** The summary, then the facts a person acts on, one per line. */
    static String body(AlertChanged change, Optional<URI> catalogueUrl) {
        StringBuilder text = new StringBuilder(oneLine(change.summary(), 4000)).append('\n');
        if (change.database() != null) {
            text.append("\nDatabase: ").append(oneLine(change.database(), 200));
        }
        change.details().forEach((key, value) -> {
            if (!key.equals("eventIdentity") && !key.equals("payload")) {
                text.append('\n').append(key).append(": ").append(oneLine(value, 500));
            }
        });
        if (change.backupId() != null) {
            text.append("\nBackup: ").append(oneLine(change.backupId(), 200));
        }
        if (change.transition() != Transition.NOTICE) {
            text.append("\nOccurrences: ").append(change.count()).append(" (open since ").append(change.openedAt())
                    .append(')');
        }
        if (change.acknowledged() != null) {
            text.append("\nAcknowledged: by ").append(oneLine(change.acknowledged().by(), 200)).append(" at ")
                    .append(change.acknowledged().at()).append(": ").append(oneLine(change.acknowledged().why(), 500));
        }
        if (change.resolvedBy() != null) {
            text.append("\nResolved by hand: by ").append(oneLine(change.resolvedBy().by(), 200)).append(": ")
                    .append(oneLine(change.resolvedBy().why(), 500));
        }
        evidence(change).ifPresent(e -> text.append("\nEvidence: ").append(e));
        link(change, catalogueUrl).ifPresent(l -> text.append("\nCatalogue: ").append(l));
        text.append("\nAlert: ").append(oneLine(change.alertId(), 300));
        return text.toString();
    }

    static Optional<String> evidence(AlertChanged change) {
        return Optional.ofNullable(change.evidence()).map(e -> oneLine(e, 1000));
    }

    static Optional<String> link(AlertChanged change, Optional<URI> catalogueUrl) {
        if (change.backupId() == null || catalogueUrl.isEmpty()) {
            return Optional.empty();
        }
        String base = catalogueUrl.get().toString();
        return Optional.of((base.endsWith("/") ? base : base + "/") + "backups/"
                + java.net.URLEncoder.encode(change.backupId(), java.nio.charset.StandardCharsets.UTF_8));
    }

    static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= max ? clean : clean.substring(0, max) + "…";
    }
}
