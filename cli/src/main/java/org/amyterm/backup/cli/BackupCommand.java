package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.StageFailed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code backup DATABASE}: take a backup now, and with --wait follow it until stored or verified. */
@Command(name = "backup", description = "Take a backup of DATABASE now.")
final class BackupCommand implements Callable<Integer> {
    enum Until { stored, verified }

    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATABASE")
    String database;

    @Option(names = "--reason", description = "scheduled, pre-upgrade, pre-federation-release or manual (default ${DEFAULT-VALUE}).",
            defaultValue = "manual")
    String reason;

    @Option(names = "--wait", paramLabel = "stored|verified",
            description = "Wait until the backup is stored, or restored and checked; exit non-zero if it fails.")
    Until until;

    @Option(names = "--timeout", description = "Give up waiting after this long (ISO-8601 or e.g. 30m; default ${DEFAULT-VALUE}).",
            defaultValue = "2h", converter = Durations.class)
    Duration timeout;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = "The same key sent again (a retried "
            + "pipeline step, say) returns the backup of the first request instead of taking another "
            + "(default: a new key per run, which the command's own retries reuse).")
    String idempotencyKey;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BackupReason.fromCode(reason);
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? "cli-" + java.util.UUID.randomUUID()
                : idempotencyKey;
        BackupRequested request = root.client().requestBackup(database, reason, key);
        if (until == null) {
            out.println(json ? EventJson.write(request) : "backup " + request.backupId() + " of " + database + " requested");
            return ExitCode.OK;
        }
        if (!json) {
            out.println("backup " + request.backupId() + " of " + database + " requested; waiting until " + until);
        }
        return follow(request, out);
    }

    private int follow(BackupRequested request, PrintWriter out) {
        Instant deadline = Instant.now().plus(timeout);
        Instant started = Instant.now();
        String lastShown = "requested";
        Instant lastPrinted = started;
        OutageRider rider = new OutageRider(deadline, spec.commandLine().getErr(), "backup " + request.backupId());
        while (Instant.now().isBefore(deadline)) {
            Optional<Optional<BackupSummary>> look = rider.look(() -> root.client().backup(database, request.backupId()));
            if (look.isEmpty()) {
                continue;
            }
            Optional<BackupSummary> found = look.get();
            String progress = found.map(BackupCommand::progress).orElse("dumping");
            // a line when the stage changes, and one every half minute on long stages
            boolean heartbeat = Duration.between(lastPrinted, Instant.now()).compareTo(HEARTBEAT) >= 0;
            if (!json && (!progress.equals(lastShown) || heartbeat)) {
                out.printf("  %-9s after %ds%s%n", progress, Duration.between(started, Instant.now()).toSeconds(),
                        progress.equals(lastShown) ? " (still)" : "");
                lastShown = progress;
                lastPrinted = Instant.now();
            }
            if (found.isPresent()) {
                switch (outcome(found.get(), until)) {
                    case FAILED:
                        return failed(found.get(), out);
                    case REACHED:
                        out.println(json ? EventJson.write(found.get()) : Printer.details(found.get()));
                        return ExitCode.OK;
                    default:
                        break;
                }
            }
            Waiting.pause();
        }
        throw new CliException(ExitCode.TIMED_OUT, "backup " + request.backupId() + " of " + database + " was not "
                + until + " within " + timeout + "; it may still finish: amyterm-backup show " + request.backupId());
    }

    enum Outcome { WAITING, REACHED, FAILED }

    /** Where a backup in the bucket stands against what the operator waits for. */
    static Outcome outcome(BackupSummary backup, Until until) {
        boolean failed = backup.state() == BackupSummary.State.FAILED && givenUp(backup.failure())
                || backup.state() == BackupSummary.State.EXPIRED
                || (until == Until.verified && (backup.state() == BackupSummary.State.VERIFICATION_FAILED
                        || givenUp(backup.failure())));
        if (failed) {
            return Outcome.FAILED;
        }
        boolean stored = backup.manifest() != null;
        return until == Until.stored && stored || backup.state() == BackupSummary.State.VERIFIED ? Outcome.REACHED
                : Outcome.WAITING;
    }

    private int failed(BackupSummary backup, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(EventJson.write(backup));
        }
        StageFailed failure = backup.failure();
        if (failure != null) {
            err.println("amyterm-backup: backup " + backup.backupId() + " of " + backup.database() + " failed at stage "
                    + failure.stage().code() + " [" + failure.reason().code() + "]: " + failure.message());
        } else {
            err.println("amyterm-backup: the restore test of backup " + backup.backupId() + " failed: "
                    + Printer.failedChecks(backup));
        }
        return ExitCode.FAILED;
    }

    static String progress(BackupSummary backup) {
        return switch (backup.state()) {
            case FAILED -> givenUp(backup.failure()) ? "failed" : "retrying";
            case STORED -> givenUp(backup.failure()) ? "failed" : "stored";
            case VERIFIED -> "verified";
            case VERIFICATION_FAILED -> "failed";
            case EXPIRED -> "expired";
        };
    }

    /** A recorded failure that ends the wait: not one a stage reported while it kept retrying (an outage ridden out). */
    private static boolean givenUp(StageFailed failure) {
        return failure != null && !failure.stillRetrying();
    }
}
