package org.amyterm.backup.storage.upload;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.NodeRole;

/** Dumps on the test spool as the backup service leaves them, and what an operator does with an object. */
final class Dumps {
    private Dumps() {
    }

    /** What an operator gets with gpg and the secret key: the stored object is standard OpenPGP. */
    static byte[] gpgDecrypt(byte[] ciphertext) throws Exception {
        Path dir = Files.createTempDirectory(StoreResource.spool.getParent(), "decrypt");
        Path in = Files.write(dir.resolve("object.gpg"), ciphertext);
        Path out = dir.resolve("object");
        StoreResource.key.gpg("--import", StoreResource.key.secretKey().toString());
        StoreResource.key.gpg("--output", out.toString(), "--decrypt", in.toString());
        return Files.readAllBytes(out);
    }

    /** What {@code gpg --verify} says of a detached signature (it fails unless the signature is good). */
    static String gpgVerify(String manifest, String signature) throws Exception {
        Path dir = Files.createTempDirectory(StoreResource.spool.getParent(), "verify");
        Path file = Files.writeString(dir.resolve("manifest.json"), manifest);
        Path sig = Files.writeString(dir.resolve("manifest.json.sig"), signature);
        StoreResource.key.gpg("--import", StoreResource.signingKey.publicKey().toString());
        return StoreResource.key.gpg("--status-fd", "1", "--verify", sig.toString(), file.toString());
    }

    /** A dump as the backup service writes it: a growing partial spool file, renamed when complete. */
    static final class Dump {
        final String id = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        final Path partial = StoreResource.spool.resolve(id + ".pgcustom.zst.partial");
        final Path complete = StoreResource.spool.resolve(id + ".pgcustom.zst");
        private final java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();

        void write(byte[] bytes) throws Exception {
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(bytes);
            }
            written.write(bytes);
        }

        /** Everything written to the spool file (which is gone once the dump is stored). */
        byte[] written() {
            return written.toByteArray();
        }

        BackupStarted started() {
            return new BackupStarted(id, "amyterm", BackupReason.MANUAL, partial.toString(), "zstd", Instant.now());
        }

        void commit() throws Exception {
            Files.move(partial, complete);
        }

        BackupCompleted complete() throws Exception {
            byte[] all = Files.readAllBytes(partial);
            commit();
            return event(all);
        }

        /** The event of a dump whose last bytes were {@code tail}, whatever the spool holds. */
        BackupCompleted completedWith(byte[] tail) throws Exception {
            byte[] head = Files.readAllBytes(partial);
            byte[] all = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, all, head.length, tail.length);
            return event(all);
        }

        private BackupCompleted event(byte[] all) throws Exception {
            return new BackupCompleted(id, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, complete.toString(), 5000,
                    "a".repeat(64), all.length, sha256(all), "zstd", "15", "pg_dump 15", "2.3.1",
                    Map.of("public.concept", 3L), Instant.now(), Instant.now());
        }
    }

    /**
     * A spooled dump as pg_dump and zstd leave it: {@code archive} compressed with the zstd tool,
     * and an event recording both the archive's and the spool file's size and sha256.
     */
    static BackupCompleted spooledArchive(byte[] archive) {
        try {
            String id = BackupId.of(Instant.now(), UUID.randomUUID().toString());
            Path raw = Files.write(StoreResource.spool.getParent().resolve(id + ".pgcustom"), archive);
            Path file = StoreResource.spool.resolve(id + ".pgcustom.zst");
            org.amyterm.backup.testsupport.ServerProcess.run(List.of("zstd", "-q", "-1", raw.toString(), "-o",
                    file.toString()), Map.of(), raw.getParent(), java.time.Duration.ofMinutes(1));
            Files.delete(raw);
            byte[] spooled = Files.readAllBytes(file);
            return new BackupCompleted(id, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, file.toString(),
                    archive.length, sha256(archive), spooled.length, sha256(spooled), "zstd", "15", "pg_dump 15", "2.3.1",
                    Map.of("public.concept", 3L), Instant.now(), Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BackupCompleted spooled(byte[] content) {
        try {
            String id = BackupId.of(Instant.now(), UUID.randomUUID().toString());
            Path file = StoreResource.spool.resolve(id + ".pgcustom.zst");
            Files.write(file, content);
            return completed(file, content, id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BackupCompleted completed(Path file, byte[] content) {
        return completed(file, content, BackupId.of(Instant.now(), UUID.randomUUID().toString()));
    }

    static BackupCompleted completed(Path file, byte[] content, String id) {
        try {
            Files.write(file, content);
            byte[] roles = ("CREATE ROLE amyterm_owner;\n-- " + id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Path globals = Files.write(file.resolveSibling(org.amyterm.backup.contracts.SpoolFileNames.globals(id)), roles);
            return new BackupCompleted(id, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, file.toString(), 5000,
                    "a".repeat(64), content.length, sha256(content), "zstd", "15", "pg_dump 15", "2.3.1",
                    Map.of("public.concept", 3L), Instant.now(), Instant.now(), new org.amyterm.backup.contracts.DumpDetails(
                            "central", List.of("--format=custom", "--exclude-schema=scratch"), List.of("plpgsql 1.0"),
                            List.of("amyterm_owner"), "amyterm", "daily", "PT26H"),
                    new BackupCompleted.Globals(globals.toString(), roles.length, sha256(roles)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random().nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
