package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amyterm-backup}: the operator's command line for Amy-Term Backup. */
@Command(name = "amyterm-backup", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "amyterm-backup 0.1.0",
        description = "Back up, list, show and check the backups of Amy-Term's PostgreSQL databases.",
        subcommands = {BackupCommand.class, ListCommand.class, ShowCommand.class, StatusCommand.class,
                RetentionCommand.class, VerifyCommand.class,
                ContentsCommand.class, RestoreCommand.class, AlertsCommand.class, StoreKeptCommand.class, AuditCommand.class})
public final class AmytermBackup {

    @Option(names = "--backup-url", description = "Backup service REST API (env AMYTERM_BACKUP_URL; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:AMYTERM_BACKUP_URL:-http://127.0.0.1:8081}", scope = CommandLine.ScopeType.INHERIT)
    URI backupUrl;

    @Option(names = "--storage-url", description = "Storage service (catalogue) REST API (env AMYTERM_STORAGE_URL; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:AMYTERM_STORAGE_URL:-http://127.0.0.1:8082}", scope = CommandLine.ScopeType.INHERIT)
    URI storageUrl;

    @Option(names = "--verifier-url", description = "Verifier service REST API (env AMYTERM_VERIFIER_URL; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:AMYTERM_VERIFIER_URL:-http://127.0.0.1:8083}", scope = CommandLine.ScopeType.INHERIT)
    URI verifierUrl;

    @Option(names = "--notifier-url", description = "Notifier service (alerts) REST API (env AMYTERM_NOTIFIER_URL; default ${DEFAULT-VALUE}).",
            defaultValue = "${env:AMYTERM_NOTIFIER_URL:-http://127.0.0.1:8084}", scope = CommandLine.ScopeType.INHERIT)
    URI notifierUrl;

    @Option(names = "--allow-plain-http", description = "Send the API token and a restore target's password over "
            + "http:// to a host other than this one (anyone on the network path can read them); warns on stderr.",
            scope = CommandLine.ScopeType.INHERIT)
    boolean allowPlainHttp;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    ServiceClient client() {
        return new ServiceClient(backupUrl, storageUrl, verifierUrl, notifierUrl, ApiToken.from(System.getenv()),
                new PlainHttpGuard(allowPlainHttp, spec.commandLine().getErr()));
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new AmytermBackup());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException failure) {
                err.println("amyterm-backup: " + failure.getMessage());
                return failure.exitCode();
            }
            if (e instanceof IllegalArgumentException bad) {
                err.println("amyterm-backup: " + bad.getMessage());
                return ExitCode.USAGE;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
