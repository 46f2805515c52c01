package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code show BACKUP_ID}: one backup's manifest, evidence and failure. */
@Command(name = "show", description = "Show one backup: what it holds, where it is, how its restore test went.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID")
    String backupId;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        BackupId.requireValid(backupId);
        PrintWriter out = spec.commandLine().getOut();
        BackupSummary backup = root.client().backup(null, backupId)
                .orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no backup " + backupId + " in the bucket"));
        out.println(json ? EventJson.write(backup) : Printer.details(backup));
        return ExitCode.OK;
    }
}
