package org.amyterm.backup.storage.encrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the storage service writes, the standard tool reads: gpg decrypts it with the operator's key. */
class OpenPgpEncryptionTest {
    private static GpgKey key;
    private static Path dir;

    @BeforeAll
    static void makeKey() {
        dir = TestDirs.server("openpgp-encryption");
        key = GpgKey.generate(dir);
    }

    @Test
    void gpgDecryptsWhatTheStorageServiceEncrypts() throws Exception {
        // Given a dump-sized chunk of data and the recipient's public key
        byte[] plaintext = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(plaintext);
        RecipientKey recipient = RecipientKey.load(key.publicKey());
        OpenPgpEncryption encryption = new OpenPgpEncryption(recipient);

        // When it is encrypted as a stream
        ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();
        try (OutputStream out = encryption.encryptingStream(ciphertext, "dump.pgcustom.zst")) {
            out.write(plaintext);
        }

        // Then gpg reads it back with the secret key, and the recipient is the key's encryption subkey
        Path encrypted = dir.resolve("encrypted.gpg");
        Path decrypted = dir.resolve("decrypted");
        Files.write(encrypted, ciphertext.toByteArray());
        key.gpg("--output", decrypted.toString(), "--decrypt", encrypted.toString());
        assertThat(Files.readAllBytes(decrypted)).isEqualTo(plaintext);
        assertThat(encryption.recipients()).singleElement().asString().hasSize(40).isNotEqualTo(key.fingerprint());
        String window = new String(plaintext, 1000, 32, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(new String(ciphertext.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(window);
    }

    @Test
    void theEncryptedMessageIsIntegrityProtectedAes256() throws Exception {
        ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();
        try (OutputStream out = new OpenPgpEncryption(RecipientKey.load(key.publicKey())).encryptingStream(ciphertext, "x")) {
            out.write("select 1".getBytes());
        }
        Path encrypted = dir.resolve("packets.gpg");
        Files.write(encrypted, ciphertext.toByteArray());
        String packets = key.gpg("--list-packets", "--verbose", encrypted.toString());
        assertThat(packets).contains("encrypted data packet", "mdc_method: 2").containsIgnoringCase("AES256");
    }

    @Test
    void closingTheEncryptionLeavesTheDestinationOpen() throws Exception {
        class Recording extends ByteArrayOutputStream {
            boolean closed;

            @Override
            public void close() {
                closed = true;
            }
        }
        Recording destination = new Recording();
        new OpenPgpEncryption(RecipientKey.load(key.publicKey())).encryptingStream(destination, "x").close();
        assertThat(destination.closed).isFalse();
        assertThat(destination.size()).isPositive();
    }

    @Test
    void eachOfSeveralRecipientsDecryptsAloneWithGpg() throws Exception {
        // Given an operations key and an escrow key
        GpgKey escrow = GpgKey.generate(TestDirs.server("openpgp-escrow"));
        OpenPgpEncryption encryption = new OpenPgpEncryption(List.of(RecipientKey.load(key.publicKey()),
                RecipientKey.load(escrow.publicKey())));

        // When a dump is encrypted to both
        ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();
        try (OutputStream out = encryption.encryptingStream(ciphertext, "x")) {
            out.write("the dump".getBytes());
        }

        // Then each one's gpg, holding only its own secret key, decrypts it
        Path encrypted = Files.write(dir.resolve("two-recipients.gpg"), ciphertext.toByteArray());
        for (GpgKey holder : List.of(key, escrow)) {
            Path decrypted = dir.resolve("decrypted-" + holder.fingerprint());
            holder.gpg("--output", decrypted.toString(), "--decrypt", encrypted.toString());
            assertThat(Files.readString(decrypted)).isEqualTo("the dump");
        }
        // and both fingerprints are what the manifest will list
        assertThat(encryption.recipients()).hasSize(2).doesNotHaveDuplicates().allSatisfy(f -> assertThat(f).hasSize(40));
    }

    @Test
    void expiredRecipientKeyIsRefusedAtStartUpSayingWhen() {
        GpgKey expired = GpgKey.generateExpired(TestDirs.server("openpgp-expired"));
        assertThatThrownBy(() -> RecipientKey.load(expired.publicKey()))
                .hasMessageContaining("no usable encryption key").hasMessageContaining("expired on 2020-01-02");
    }

    @Test
    void aFileWithoutAPublicKeyIsRefusedClearly() throws Exception {
        Path notAKey = dir.resolve("not-a-key.asc");
        Files.writeString(notAKey, "hello");
        assertThatThrownBy(() -> RecipientKey.load(notAKey)).hasMessageContaining("cannot read the OpenPGP public key");
    }
}
