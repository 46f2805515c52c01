package org.amyterm.backup.verifier.decrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier reads what gpg writes, and refuses anything altered or cut short. */
class OpenPgpDecryptionTest {
    private static GpgKey key;
    private static Path dir;
    private static byte[] plaintext;
    private static byte[] ciphertext;

    @BeforeAll
    static void encryptWithGpg() throws IOException {
        dir = TestDirs.server("openpgp-decryption");
        key = GpgKey.generate(dir);
        plaintext = new byte[2 * 1024 * 1024 + 3];
        new Random(2).nextBytes(plaintext);
        Path in = dir.resolve("plain");
        Path out = dir.resolve("plain.gpg");
        Files.write(in, plaintext);
        key.gpg("--trust-model", "always", "--recipient", key.fingerprint(), "--cipher-algo", "AES256", "-z", "0",
                "--output", out.toString(), "--encrypt", in.toString());
        ciphertext = Files.readAllBytes(out);
    }

    private static OpenPgpDecryption decryption() {
        return new OpenPgpDecryption(DecryptionKey.load(key.secretKey(), Optional.empty()));
    }

    @Test
    void decryptsWhatGpgEncrypted() throws Exception {
        try (InputStream in = decryption().decryptingStream(new ByteArrayInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
    }

    @Test
    void aFlippedByteFailsLoudly() {
        // Given a ciphertext with one byte changed in the middle of the encrypted data
        byte[] tampered = ciphertext.clone();
        tampered[tampered.length / 2] ^= 0x01;

        // When it is read to the end, Then reading fails (MDC or packet damage), never silently
        assertThatThrownBy(() -> {
            try (InputStream in = decryption().decryptingStream(new ByteArrayInputStream(tampered))) {
                in.readAllBytes();
            }
        }).isInstanceOfAny(IOException.class, org.bouncycastle.openpgp.PGPException.class);
    }

    @Test
    void aTruncatedBackupFailsLoudly() {
        byte[] truncated = Arrays.copyOf(ciphertext, ciphertext.length - 100);
        assertThatThrownBy(() -> {
            try (InputStream in = decryption().decryptingStream(new ByteArrayInputStream(truncated))) {
                in.readAllBytes();
            }
        }).isInstanceOfAny(IOException.class, org.bouncycastle.openpgp.PGPException.class);
    }

    @Test
    void theKeyNeverShowsInItsStringForm() {
        assertThat(DecryptionKey.load(key.secretKey(), Optional.empty()).toString()).isEqualTo("DecryptionKey[***]");
    }
}
