import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Date;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.amyterm.backup.contracts.integrity.ChunkHashingOutputStream;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.contracts.integrity.HashingOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * What each stage of a backup costs on this CPU, one thread, in one warm JVM (see bench/stage-costs):
 * the primitives alone, then the backup and storage services' chains as they run them (the
 * contracts module's hashing stages, zstd-jni, BouncyCastle's OpenPGP on SunJCE's AES), on an archive
 * held in memory, so no pipe, disk, network or Kafka is counted. Each figure is the third of three
 * runs, in CPU-seconds of this thread per GB of archive (at most the archive's first GiB is read).
 */
public final class StageCosts {
    private static byte[] archive;
    private static byte[] compressed;

    interface Stage {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        // at most the first GiB: enough for a rate, and within one array
        try (java.io.InputStream in = Files.newInputStream(Path.of(args[0]))) {
            archive = in.readNBytes(1 << 30);
        }
        int level = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(archive.length / 2);
        try (ZstdOutputStream zstd = new ZstdOutputStream(out, level)) {
            write(zstd, archive, 1 << 17);
        }
        compressed = out.toByteArray();
        System.out.printf("archive %d MB, zstd %d: %d MB (%.2fx)%n", archive.length / 1_000_000, level,
                compressed.length / 1_000_000, (double) archive.length / compressed.length);
        System.out.println("stage                                              CPU-s   per GB of archive");

        double primitives = 0;
        primitives += time("SHA-256 of the archive", () -> digest("SHA-256", archive));
        primitives += time("zstd " + level + " of the archive", () -> {
            try (ZstdOutputStream zstd = new ZstdOutputStream(OutputStream.nullOutputStream(), level)) {
                write(zstd, archive, 1 << 17);
            }
        });
        primitives += time("SHA-256 of the compressed stream (spool, backup)", () -> digest("SHA-256", compressed));
        primitives += time("SHA-256 of the compressed stream (spool, storage)", () -> digest("SHA-256", compressed));
        primitives += time("AES-256/CFB of it (SunJCE, OpenPGP's mode)", StageCosts::cfb);
        primitives += time("SHA-1 of it (OpenPGP's MDC)", () -> digest("SHA-1", compressed));
        primitives += time("SHA-256 of the object (manifest)", () -> digest("SHA-256", compressed));
        primitives += time("SHA-256 of the object's chunks (manifest)", () -> digest("SHA-256", compressed));
        System.out.printf("%-50s %5s   %.2f%n", "sum of the primitives", "", primitives);
        System.out.printf("%-50s %5s   %.2f%n", "  for comparison: AES-256/ECB of it (parallel AES)", "",
                timeQuiet(StageCosts::ecb));

        double chains = 0;
        chains += time("backup chain: SHA-256 > zstd > SHA-256", () -> {
            HashingInputStream read = new HashingInputStream(new java.io.ByteArrayInputStream(archive));
            HashingOutputStream written = new HashingOutputStream(OutputStream.nullOutputStream());
            try (ZstdOutputStream zstd = new ZstdOutputStream(written, level)) {
                byte[] buffer = new byte[1 << 17];
                for (int n; (n = read.read(buffer)) >= 0;) {
                    zstd.write(buffer, 0, n);
                }
            }
            read.sha256();
            written.sha256();
        });
        chains += time("storage chain: SHA-256 > OpenPGP > SHA-256 > chunks", StageCosts::storageChain);
        System.out.printf("%-50s %5s   %.2f%n", "sum of the two chains", "", chains);
    }

    private static void storageChain() throws Exception {
        HashingInputStream spooled = new HashingInputStream(new java.io.ByteArrayInputStream(compressed));
        ChunkHashingOutputStream chunks = new ChunkHashingOutputStream(OutputStream.nullOutputStream(), 1 << 20);
        HashingOutputStream ciphertext = new HashingOutputStream(chunks);
        PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true)
                        .setSecureRandom(new SecureRandom()).setProvider("SunJCE"));
        encrypted.addMethod(new JcePBEKeyEncryptionMethodGenerator("bench passphrase".toCharArray())
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()));
        OutputStream encryptedOut = encrypted.open(ciphertext, new byte[1 << 16]);
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        OutputStream plaintext = literal.open(encryptedOut, PGPLiteralData.BINARY, "dump", new Date(), new byte[1 << 16]);
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = spooled.read(buffer)) >= 0;) {
            plaintext.write(buffer, 0, n);
        }
        literal.close();
        encrypted.close();
        chunks.close();
        spooled.sha256();
        ciphertext.sha256();
    }

    private static void cfb() throws Exception {
        Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new IvParameterSpec(new byte[16]));
        update(cipher);
    }

    private static void ecb() throws Exception {
        Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding", "SunJCE");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"));
        update(cipher);
    }

    private static void update(Cipher cipher) throws Exception {
        byte[] target = new byte[(1 << 16) + 32];
        int length = compressed.length & ~15;
        for (int off = 0; off < length; off += 1 << 16) {
            cipher.update(compressed, off, Math.min(1 << 16, length - off), target, 0);
        }
    }

    private static void digest(String algorithm, byte[] data) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        for (int off = 0; off < data.length; off += 1 << 16) {
            digest.update(data, off, Math.min(1 << 16, data.length - off));
        }
        digest.digest();
    }

    private static void write(OutputStream out, byte[] data, int step) throws IOException {
        for (int off = 0; off < data.length; off += step) {
            out.write(data, off, Math.min(step, data.length - off));
        }
    }

    /** Prints the stage's CPU-seconds and per GB of archive; returns the latter. */
    private static double time(String name, Stage stage) throws Exception {
        double perGb = timeQuiet(stage);
        System.out.printf("%-50s %5.2f   %.2f%n", name, perGb * archive.length / 1e9, perGb);
        return perGb;
    }

    private static double timeQuiet(Stage stage) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (int run = 0; run < 3; run++) {
            long before = threads.getCurrentThreadCpuTime();
            stage.run();
            cpu = threads.getCurrentThreadCpuTime() - before;
        }
        return cpu / 1e9 / (archive.length / 1e9);
    }
}
