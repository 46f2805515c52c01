package org.amyterm.backup.verifier.decrypt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The batched CFB decryption gives byte for byte what SunJCE's CFB gives, however its input arrives. */
class CfbDecryptingInputStreamTest {
    private static final int[] LENGTHS = {0, 1, 15, 16, 17, 31, 32, 65_535, 65_536, 65_536 + 16 + 5, 300_001};

    @Test
    void decryptsWhatSunJceCfbEncryptedForEveryLengthAndKeySize() throws Exception {
        Random random = new Random(7);
        for (int keyBytes : new int[] {16, 24, 32}) {
            for (int length : LENGTHS) {
                // Given a message of this length encrypted with AES-CFB, zero IV (as OpenPGP's SEIPD)
                byte[] key = new byte[keyBytes];
                random.nextBytes(key);
                byte[] plaintext = new byte[length];
                random.nextBytes(plaintext);
                byte[] ciphertext = sunJceCfb(Cipher.ENCRYPT_MODE, key, plaintext);

                // When it is read in reads of any size from a source that hands out short reads
                byte[] inLargeReads = readAll(new CfbDecryptingInputStream(new Trickle(ciphertext, random), key), 70_000);
                byte[] inSmallReads = readAll(new CfbDecryptingInputStream(new Trickle(ciphertext, random), key), 7);
                byte[] byteByByte = readByteByByte(new CfbDecryptingInputStream(new ByteArrayInputStream(ciphertext), key));

                // Then each gives the plaintext
                assertThat(inLargeReads).as("key %d bytes, length %d", keyBytes, length).isEqualTo(plaintext);
                assertThat(inSmallReads).as("key %d bytes, length %d", keyBytes, length).isEqualTo(plaintext);
                assertThat(byteByByte).as("key %d bytes, length %d", keyBytes, length).isEqualTo(plaintext);
            }
        }
    }

    @Test
    void aFlippedCiphertextBitChangesTheSameBitAndTheWholeNextBlockAsSunJceDoes() throws Exception {
        // CFB's error pattern: proof that the feedback is the ciphertext, as the MDC check relies on
        byte[] key = new byte[32];
        byte[] plaintext = new byte[100];
        new Random(3).nextBytes(plaintext);
        byte[] ciphertext = sunJceCfb(Cipher.ENCRYPT_MODE, key, plaintext);
        ciphertext[20] ^= 0x04;

        byte[] ours = readAll(new CfbDecryptingInputStream(new ByteArrayInputStream(ciphertext), key), 4096);

        assertThat(ours).isEqualTo(sunJceCfb(Cipher.DECRYPT_MODE, key, ciphertext));
        assertThat(ours[20]).isEqualTo((byte) (plaintext[20] ^ 0x04));
        assertThat(java.util.Arrays.copyOfRange(ours, 32, 48)).isNotEqualTo(java.util.Arrays.copyOfRange(plaintext, 32, 48));
        assertThat(java.util.Arrays.copyOfRange(ours, 48, 100)).isEqualTo(java.util.Arrays.copyOfRange(plaintext, 48, 100));
    }

    private static byte[] sunJceCfb(int mode, byte[] key, byte[] input) throws Exception {
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
        cfb.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return cfb.doFinal(input);
    }

    private static byte[] readAll(InputStream in, int readSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0;) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] readByteByByte(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0;) {
            out.write(b);
        }
        return out.toByteArray();
    }

    /** A source that returns between 1 and 40,000 bytes per read, as a network stream does. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final Random random;
        private int position;

        Trickle(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - position), 1 + random.nextInt(40_000));
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
