package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code status}: for every database, the last known good backup, its age and its measured RTO. */
@Command(name = "status", description = "For every database: newest backup, last known good backup, its age and restore time.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode status = root.client().status();
        if (json) {
            out.println(status.toPrettyString());
            return ExitCode.OK;
        }
        if (status.isEmpty()) {
            out.println("no backups in the bucket yet");
            return ExitCode.OK;
        }
        out.printf("%-24s %-26s %-20s %-26s %10s %12s%n", "DATABASE", "LATEST", "LATEST STATE", "LAST KNOWN GOOD",
                "AGE", "RESTORE");
        for (JsonNode db : status) {
            JsonNode latest = db.path("latest");
            JsonNode good = db.path("lastKnownGood");
            out.printf("%-24s %-26s %-20s %-26s %10s %12s%n", db.path("database").asText(),
                    latest.path("backupId").asText("-"), latest.path("state").asText("-"),
                    good.isMissingNode() || good.isNull() ? "NONE" : good.path("backupId").asText(),
                    db.path("lastKnownGoodAgeSeconds").isNumber() ? Printer.age(db.path("lastKnownGoodAgeSeconds").asLong()) : "-",
                    db.path("lastRestoreMillis").isNumber() ? db.path("lastRestoreMillis").asLong() + " ms" : "-");
        }
        for (JsonNode db : status) {
            JsonNode restore = db.path("lastOperatorRestore");
            if (restore.isObject()) {
                out.println(Printer.restore(db.path("database").asText(), restore));
            }
        }
        return ExitCode.OK;
    }
}
