package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code retention [--dry-run]}: apply the retention policy now, or list what it would delete and why. */
@Command(name = "retention", description = "Apply the retention policy now; with --dry-run, only list what would be "
        + "deleted and why.")
final class RetentionCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Delete nothing; list what would go and by which rule.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the whole report as JSON (every backup, kept or not).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode report = root.client().retention(dryRun);
        if (json) {
            out.println(report);
        } else {
            int listed = 0;
            for (JsonNode entry : report.path("backups")) {
                if (!entry.path("action").asText().equals("kept")) {
                    out.printf("%-13s %-30s %s  %s: %s%n", entry.path("action").asText(), entry.path("database").asText(),
                            entry.path("backupId").asText(), entry.path("rule").asText(), entry.path("why").asText());
                    listed++;
                }
            }
            long going = 0;
            for (JsonNode entry : report.path("backups")) {
                going += entry.path("action").asText().equals("would-delete") ? 1 : 0;
            }
            out.println(dryRun ? (listed == 0 ? "nothing would be deleted" : going + " backup(s) would be deleted; nothing was")
                    + "; " + report.path("kept").asInt() + " kept"
                    : report.path("deleted").asInt() + " deleted, " + report.path("kept").asInt() + " kept, "
                            + report.path("failed").asInt() + " failed");
        }
        return report.path("failed").asInt() > 0 ? ExitCode.FAILED : ExitCode.OK;
    }
}
