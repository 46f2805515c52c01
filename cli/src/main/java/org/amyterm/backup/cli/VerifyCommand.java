package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code verify BACKUP_ID}: restore-test a stored backup again now and wait for the verdict (riding
 * out services that cannot be reached for a while, as {@code backup --wait} does). The
 * catalogue's state and last known good follow the newest verification, so a backup that fails
 * here stops being the one a restore would use.
 */
@Command(name = "verify", description = "Restore-test a stored backup again now and wait for its verdict.")
final class VerifyCommand implements Callable<Integer> {
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID")
    String backupId;

    @Option(names = "--no-wait", description = "Only ask for the verification; do not wait for its verdict.")
    boolean noWait;

    @Option(names = "--timeout", description = "Give up waiting after this long (ISO-8601 or e.g. 30m; default ${DEFAULT-VALUE}).",
            defaultValue = "2h", converter = Durations.class)
    Duration timeout;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        BackupId.requireValid(backupId);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode accepted = root.client().requestVerification(backupId, "cli-" + java.util.UUID.randomUUID());
        String verificationId = accepted.path("request").path("verificationId").asText();
        Instant requestedAt = Instant.parse(accepted.path("request").path("requestedAt").asText());
        if (noWait) {
            out.println(json ? accepted.toString() : "verification " + verificationId + " of backup " + backupId
                    + " requested; its evidence will be " + accepted.path("evidenceKey").asText());
            return ExitCode.OK;
        }
        if (!json) {
            out.println("verification " + verificationId + " of backup " + backupId + " requested; restoring and checking");
        }
        Instant deadline = requestedAt.plus(timeout);
        Instant lastPrinted = Instant.now();
        OutageRider rider = new OutageRider(deadline, spec.commandLine().getErr(), "verification " + verificationId
                + " of backup " + backupId);
        while (Instant.now().isBefore(deadline)) {
            Optional<Optional<Verification>> look = rider.look(() -> root.client().verification(backupId, verificationId));
            if (look.isEmpty()) {
                continue;
            }
            if (look.get().isPresent()) {
                return verdict(look.get().get(), out);
            }
            Optional<Optional<BackupSummary>> backup = rider.look(() -> root.client().backup(null, backupId));
            if (backup.isEmpty()) {
                continue;
            }
            Optional<StageFailed> gaveUp = backup.get().map(BackupSummary::failure)
                    .filter(f -> f.stage() == org.amyterm.backup.contracts.Stage.VERIFY && !f.stillRetrying()
                            && f.failedAt().isAfter(requestedAt));
            if (gaveUp.isPresent()) {
                throw new CliException(ExitCode.UNAVAILABLE, "the restore test of " + backupId + " could not run ["
                        + gaveUp.get().reason().code() + "]: " + gaveUp.get().message());
            }
            if (!json && Duration.between(lastPrinted, Instant.now()).compareTo(HEARTBEAT) >= 0) {
                out.printf("  still restoring or checking after %ds%n", Duration.between(requestedAt, Instant.now()).toSeconds());
                lastPrinted = Instant.now();
            }
            Waiting.pause();
        }
        throw new CliException(ExitCode.TIMED_OUT, "verification " + verificationId + " of " + backupId
                + " gave no verdict within " + timeout + "; it may still finish: amyterm-backup show " + backupId);
    }

    private int verdict(Verification evidence, PrintWriter out) {
        if (json) {
            out.println(EventJson.write(evidence));
        } else {
            out.println((evidence.passed() ? "PASSED" : "FAILED") + ": backup " + evidence.backupId() + " of "
                    + evidence.database() + ", restore took " + evidence.restoreMillis() + " ms"
                    + (evidence.rtoTarget() == null ? "" : " (RTO target " + evidence.rtoTarget() + ")"));
            for (CheckResult check : evidence.checks()) {
                out.println("  " + (check.passed() ? "ok   " : "FAIL ") + check.name() + ": " + check.detail());
            }
        }
        if (!evidence.passed()) {
            spec.commandLine().getErr().println("amyterm-backup: backup " + evidence.backupId()
                    + " failed its restore test: do not rely on it (amyterm-backup status shows the last known good now)");
            return ExitCode.FAILED;
        }
        return ExitCode.OK;
    }
}
