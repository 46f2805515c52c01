package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway OpenPGP key pair made by the installed gpg, in a GNUPGHOME of its own, with the
 * armored public and secret keys exported beside it: what an operator would make for real.
 */
public record GpgKey(Path home, Path publicKey, Path secretKey, String fingerprint) {

    public static GpgKey generate(Path dir) {
        try {
            Path home = Files.createDirectories(dir.resolve("gnupg"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            gpg(home, "--quick-gen-key", "Amy-Term Backup Test <backup@amyterm.test>", "rsa3072", "cert", "never");
            String fingerprint = gpg(home, "--list-keys", "--with-colons").lines()
                    .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            gpg(home, "--quick-add-key", fingerprint, "rsa3072", "encr", "never");
            Path publicKey = dir.resolve("backup-public.asc");
            Path secretKey = dir.resolve("backup-secret.asc");
            Files.writeString(publicKey, gpg(home, "--armor", "--export", fingerprint));
            Files.writeString(secretKey, gpg(home, "--armor", "--export-secret-keys", fingerprint));
            return new GpgKey(home, publicKey, secretKey, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            stopAgent(dir.resolve("gnupg"));
        }
    }

    /** Runs gpg on this key's home; returns stdout. */
    public String gpg(String... args) {
        try {
            return gpg(home, args);
        } finally {
            stopAgent(home);
        }
    }

    private static String gpg(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--pinentry-mode", "loopback",
                "--passphrase", "", "--no-tty"));
        command.addAll(List.of(args));
        return ServerProcess.run(command, Map.of("GNUPGHOME", home.toString()), home, Duration.ofMinutes(2));
    }

    private static void stopAgent(Path home) {
        try {
            ServerProcess.run(List.of("gpgconf", "--kill", "all"), Map.of("GNUPGHOME", home.toString()), home.getParent(),
                    Duration.ofSeconds(30));
        } catch (RuntimeException ignored) {
            // no agent was running
        }
    }
}
