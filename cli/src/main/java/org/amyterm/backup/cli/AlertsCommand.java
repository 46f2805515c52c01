package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code alerts}: the alerts open now; {@code alerts ack ID --why TEXT} and {@code alerts resolve ID
 * --why TEXT}: acknowledge or resolve one (role operator; who and why go to every channel and the
 * audit trail).
 */
@Command(name = "alerts", description = "List the open alerts; acknowledge or resolve one.",
        subcommands = {AlertsCommand.Acknowledge.class, AlertsCommand.Resolve.class})
final class AlertsCommand implements Callable<Integer> {
    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode open = root.client().openAlerts();
        if (json) {
            out.println(open.toPrettyString());
            return ExitCode.OK;
        }
        if (open.isEmpty()) {
            out.println("no open alerts");
            return ExitCode.OK;
        }
        out.printf("%-48s %-9s %6s %-21s %s%n", "ALERT", "SEVERITY", "COUNT", "OPEN SINCE", "ACKNOWLEDGED");
        for (JsonNode alert : open) {
            JsonNode ack = alert.path("acknowledged");
            out.printf("%-48s %-9s %6d %-21s %s%n", alert.path("alertId").asText(), alert.path("severity").asText(),
                    alert.path("count").asInt(), alert.path("openedAt").asText().replaceAll("\\.\\d+Z$", "Z"),
                    ack.isObject() ? "by " + ack.path("by").asText() + ": " + ack.path("why").asText() : "-");
            out.printf("    %s%n", alert.path("summary").asText());
        }
        return ExitCode.OK;
    }

    /** What both actions take: the alert and why. */
    abstract static class Action implements Callable<Integer> {
        @ParentCommand
        AlertsCommand alerts;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ALERT_ID", description = "As 'alerts' lists it, e.g. dump-failed/amyterm.")
        String alertId;

        @Option(names = "--why", required = true, description = "What you did or know: sent to every channel and kept in the audit trail.")
        String why;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        abstract String action();

        abstract String done();

        @Override
        public Integer call() {
            if (why.isBlank()) {
                throw new IllegalArgumentException("--why must say something: it goes to every channel and the audit trail");
            }
            JsonNode change = alerts.root.client().actOnAlert(action(), alertId, why);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? change.toPrettyString() : "alert " + alertId + " " + done() + "; every channel is told");
            return ExitCode.OK;
        }
    }

    @Command(name = "ack", description = "Acknowledge an open alert: it stays open until its cause ends or it is resolved.")
    static final class Acknowledge extends Action {
        @Override
        String action() {
            return "acknowledgements";
        }

        @Override
        String done() {
            return "acknowledged";
        }
    }

    @Command(name = "resolve", description = "Resolve an open alert by hand: the next occurrence opens a new one.")
    static final class Resolve extends Action {
        @Override
        String action() {
            return "resolutions";
        }

        @Override
        String done() {
            return "resolved";
        }
    }
}
