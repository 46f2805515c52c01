package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code list DATABASE}: the database's backups in the bucket, newest first. */
@Command(name = "list", description = "List the backups of DATABASE, newest first.")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATABASE")
    String database;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<BackupSummary> backups = root.client().list(database);
        out.println(json ? EventJson.write(backups) : Printer.table(database, backups));
        return ExitCode.OK;
    }
}
