package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.ObjectLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code contents BACKUP_ID|last-known-good --database DATABASE}: what a backup holds, read by the
 * verifier service (it holds the key) from the start of the signed, authenticated archive only.
 */
@Command(name = "contents", description = "List what a backup holds: schemas, tables with the row counts the dump "
        + "recorded, sequences, functions, large objects; read from the start of the archive only.")
final class ContentsCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|last-known-good")
    String backup;

    @Option(names = "--database", required = true, paramLabel = "DATABASE", description = "The database the backup is of.")
    String database;

    @Option(names = "--json", description = "Print JSON, with every entry as pg_restore -l lists it.")
    boolean json;

    @Override
    public Integer call() {
        if (!"last-known-good".equals(backup) && !BackupId.isValid(backup)) {
            throw new CliException(ExitCode.USAGE, "BACKUP_ID is a backup id (e.g. 20261125T133200Z-1a2b3c4d) or "
                    + "last-known-good, not '" + backup + "'");
        }
        if (!ObjectLayout.isDatabaseName(database)) {
            throw new CliException(ExitCode.USAGE, "--database: not a database name (letters, digits, _ . -)");
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode contents = root.client().contents(database, backup).orElseThrow(() -> new CliException(
                ExitCode.NOT_FOUND, "no backup " + backup + " of " + database + " with a stored dump in the bucket"));
        out.println(json ? contents.toString() : describe(contents));
        return ExitCode.OK;
    }

    static String describe(JsonNode c) {
        StringBuilder text = new StringBuilder();
        text.append("backup ").append(c.path("backupId").asText()).append(" of ").append(c.path("database").asText())
                .append(": pg_dump ").append(c.path("pgDumpVersion").asText()).append(" of server ")
                .append(c.path("serverVersion").asText()).append(", archive ").append(c.path("archiveVersion").asText())
                .append('\n');
        text.append("read ").append(Printer.bytes(c.path("objectBytesRead").asLong())).append(" of the object's ")
                .append(Printer.bytes(c.path("objectBytes").asLong())).append(" to list it\n");
        text.append("schemas: ").append(String.join(", ", texts(c.path("schemas")))).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KIND", "SCHEMA", "NAME", "ROWS", "SIZE (at dump time)"});
        c.path("tables").forEach(t -> rows.add(new String[] {t.path("kind").asText(), t.path("schema").asText(),
                t.path("name").asText(), t.path("rows").isNumber() ? String.format(Locale.ROOT, "%,d", t.path("rows").asLong())
                        : "-", t.path("bytes").isNumber() ? Printer.bytes(t.path("bytes").asLong()) : "-"}));
        int[] widths = new int[5];
        rows.forEach(r -> {
            for (int i = 0; i < 5; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        rows.forEach(r -> text.append(String.format(Locale.ROOT, "  %-" + widths[0] + "s  %-" + widths[1] + "s  %-"
                + widths[2] + "s  %" + widths[3] + "s  %s%n", r[0], r[1], r[2], r[3], r[4])));
        text.append("sequences: ").append(orNone(texts(c.path("sequences")))).append('\n');
        text.append("functions: ").append(orNone(texts(c.path("functions")))).append('\n');
        text.append("large objects: ").append(c.path("largeObjects").asLong()).append('\n');
        text.append(c.path("entries").size()).append(" entries in all (--json lists them as pg_restore -l does)");
        return text.toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static String orNone(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
