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
        return generate(dir, List.of());
    }

    /** An encryption key made as if today were 2020-01-01, valid one day: long expired. */
    public static GpgKey generateExpired(Path dir) {
        return generate(dir, List.of("--faked-system-time", "20200101T000000!"), "1d");
    }

    private static GpgKey generate(Path dir, List<String> options) {
        return generate(dir, options, "never");
    }

    private static GpgKey generate(Path dir, List<String> options, String expires) {
        try {
            Path home = Files.createDirectories(dir.resolve("gnupg"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            List<String> gen = new ArrayList<>(options);
            gen.addAll(List.of("--quick-gen-key", "Amy-Term Backup Test <backup@amyterm.test>", "rsa3072", "cert", expires));
            gpg(home, gen.toArray(String[]::new));
            String fingerprint = gpg(home, "--list-keys", "--with-colons").lines()
                    .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            List<String> add = new ArrayList<>(options);
            add.addAll(List.of("--quick-add-key", fingerprint, "rsa3072", "encr", expires));
            gpg(home, add.toArray(String[]::new));
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

    /**
     * A signing key (the storage service's, for manifests): a primary key that may sign, exported
     * as {@code signing-public.asc} and {@code signing-secret.asc}.
     */
    public static GpgKey generateSigning(Path dir) {
        try {
            Path home = Files.createDirectories(dir.resolve("gnupg"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            gpg(home, "--quick-gen-key", "Amy-Term Backup Manifests Test <signing@amyterm.test>", "rsa3072", "sign",
                    "never");
            String fingerprint = gpg(home, "--list-keys", "--with-colons", "signing@amyterm.test").lines()
                    .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            Path publicKey = dir.resolve("signing-public.asc");
            Path secretKey = dir.resolve("signing-secret.asc");
            Files.writeString(publicKey, gpg(home, "--armor", "--export", fingerprint));
            Files.writeString(secretKey, gpg(home, "--armor", "--export-secret-keys", fingerprint));
            return new GpgKey(home, publicKey, secretKey, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            stopAgent(dir.resolve("gnupg"));
        }
    }

    /**
     * An ASCII-armored detached signature of {@code document}'s UTF-8 bytes by this key, made by gpg
     * (what {@code gpg --verify} and the services' own signatures interoperate with).
     */
    public String sign(String document) {
        try {
            Path dir = Files.createTempDirectory(home.getParent(), "sign");
            try {
                Path file = Files.writeString(dir.resolve("document"), document);
                Path signature = dir.resolve("document.sig");
                gpg("--local-user", fingerprint, "--armor", "--detach-sign", "--output", signature.toString(),
                        file.toString());
                return Files.readString(signature);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
