package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code store-kept}: the storage service tries every dump it kept on the spool after giving up
 * storing it, now (it does so by itself every {@code amyterm.storage.kept.retry-every}). Exit 0 when
 * none is left waiting, 3 (unavailable) when some still cannot be stored.
 */
@Command(name = "store-kept", description = "Store now the dumps kept on the spool after storing them was given up.")
final class StoreKeptCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode outcomes = root.client().storeKept();
        boolean waiting = false;
        for (JsonNode outcome : outcomes) {
            waiting |= outcome.path("outcome").asText().equals("waiting");
        }
        if (json) {
            out.println(outcomes.toPrettyString());
        } else if (outcomes.isEmpty()) {
            out.println("no dump is kept on the spool");
        } else {
            for (JsonNode outcome : outcomes) {
                out.printf("%-8s %-26s %-24s %s%n", outcome.path("outcome").asText(), outcome.path("backupId").asText(),
                        outcome.path("database").asText(), outcome.path("message").asText());
            }
        }
        return waiting ? ExitCode.UNAVAILABLE : ExitCode.OK;
    }
}
