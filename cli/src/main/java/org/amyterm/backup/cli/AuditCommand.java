package org.amyterm.backup.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.amyterm.backup.contracts.audit.AuditKey;
import org.amyterm.backup.contracts.audit.AuditTrailCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code audit verify FILE}: checks the notifier's audit trail with its key, trusting neither the file
 * nor the bucket (docs/events.md, "Audit trail"). Runs offline: the checkpoints are the files copied
 * from the bucket's {@code .audit/<trail>/checkpoints/}. Exit 0 intact, 1 not intact, 2 unusable input.
 */
@Command(name = "audit", description = "Check the notifier's audit trail.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {

    @Command(name = "verify", description = "Check every line's MAC and chain, and the trail against its checkpoints;"
            + " name the first bad line or the missing tail.")
    static final class Verify implements Callable<Integer> {
        /** Checkpoint files are small; anything bigger in the folder is not one. */
        private static final long MAX_CHECKPOINT_BYTES = 4096;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The audit trail (amyterm.notifier.audit.output).")
        Path file;

        @Option(names = "--key-file", paramLabel = "PATH", required = true, defaultValue = "${env:AMYTERM_AUDIT_KEY_FILE}",
                description = "The file holding the trail's key (amyterm.notifier.audit.key-file; env AMYTERM_AUDIT_KEY_FILE).")
        Path keyFile;

        @Option(names = "--checkpoints", paramLabel = "DIR", description = "The trail's checkpoints, copied from the "
                + "bucket (aws s3 cp --recursive s3://BUCKET/PREFIX/.audit/TRAIL/checkpoints/ DIR). Without them a "
                + "trail cut short cannot be told from a complete one.")
        Path checkpoints;

        @Option(names = "--trail", paramLabel = "NAME", defaultValue = "notifier",
                description = "The trail's name (amyterm.notifier.audit.trail; default ${DEFAULT-VALUE}).")
        String trail;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            AuditKey key;
            try {
                key = AuditKey.fromFile(keyFile);
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the audit key " + keyFile + ": " + e.getMessage());
            }
            Map<String, String> checkpointFiles = checkpointFiles();
            AuditTrailCheck.Report report;
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                report = new AuditTrailCheck(key, trail).check(lines, checkpointFiles);
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the audit trail " + file + ": " + e.getMessage());
            }
            report.findings().forEach(out::println);
            return report.intact() ? ExitCode.OK : ExitCode.FAILED;
        }

        private Map<String, String> checkpointFiles() {
            Map<String, String> files = new HashMap<>();
            if (checkpoints == null) {
                return files;
            }
            try (DirectoryStream<Path> found = Files.newDirectoryStream(checkpoints, "*.json")) {
                for (Path checkpoint : found) {
                    String name = checkpoint.getFileName().toString();
                    files.put(name, Files.size(checkpoint) > MAX_CHECKPOINT_BYTES ? "(larger than a checkpoint)"
                            : Files.readString(checkpoint, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the checkpoints in " + checkpoints + ": " + e.getMessage());
            }
            return files;
        }
    }
}
