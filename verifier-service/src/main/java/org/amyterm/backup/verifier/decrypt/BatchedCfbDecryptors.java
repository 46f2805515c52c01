package org.amyterm.backup.verifier.decrypt;

import java.io.InputStream;
import java.security.GeneralSecurityException;
import org.bouncycastle.bcpg.AEADEncDataPacket;
import org.bouncycastle.bcpg.InputStreamPacket;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyEncSessionPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.PGPDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.PublicKeyDataDecryptorFactory;

/**
 * BouncyCastle's JCE decryptor factories with one change: an AES message with an MDC (what every
 * backup is) is decrypted by {@link CfbDecryptingInputStream}, many blocks per AES call, instead of
 * through a {@code CipherInputStream} that feeds SunJCE's one-block-at-a-time CFB 512 bytes per
 * call. Session-key recovery and the MDC's SHA-1 are BouncyCastle's own; anything else (another
 * algorithm, AEAD packets) is left to BouncyCastle.
 */
final class BatchedCfbDecryptors {
    private BatchedCfbDecryptors() {
    }

    static PublicKeyDataDecryptorFactory publicKey(PublicKeyDataDecryptorFactory jce) {
        return new PublicKeyDataDecryptorFactory() {
            @Override
            public byte[] recoverSessionData(PublicKeyEncSessionPacket packet, InputStreamPacket encData) throws PGPException {
                return jce.recoverSessionData(packet, encData);
            }

            @Override
            public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData) throws PGPException {
                return jce.recoverSessionData(keyAlgorithm, secKeyData);
            }

            @Override
            public byte[] recoverSessionData(int keyAlgorithm, byte[][] secKeyData, int pkeskVersion) throws PGPException {
                return jce.recoverSessionData(keyAlgorithm, secKeyData, pkeskVersion);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(boolean withIntegrityPacket, int encAlgorithm, byte[] key)
                    throws PGPException {
                return batched(jce, withIntegrityPacket, encAlgorithm, key);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(AEADEncDataPacket packet, PGPSessionKey sessionKey) throws PGPException {
                return jce.createDataDecryptor(packet, sessionKey);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(SymmetricEncIntegrityPacket packet, PGPSessionKey sessionKey)
                    throws PGPException {
                return jce.createDataDecryptor(packet, sessionKey);
            }
        };
    }

    /** {@code jce} made with the same passphrase and digests: the key is derived by BouncyCastle from those. */
    static PBEDataDecryptorFactory passphrase(char[] passphrase, PGPDigestCalculatorProvider digests,
            PBEDataDecryptorFactory jce) {
        return new PBEDataDecryptorFactory(passphrase, digests) {
            @Override
            public byte[] recoverSessionData(int keyAlgorithm, byte[] key, byte[] seckKeyData) throws PGPException {
                return jce.recoverSessionData(keyAlgorithm, key, seckKeyData);
            }

            @Override
            public byte[] recoverAEADEncryptedSessionData(SymmetricKeyEncSessionPacket keyData, byte[] ikm)
                    throws PGPException {
                return jce.recoverAEADEncryptedSessionData(keyData, ikm);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(boolean withIntegrityPacket, int encAlgorithm, byte[] key)
                    throws PGPException {
                return batched(jce, withIntegrityPacket, encAlgorithm, key);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(AEADEncDataPacket packet, PGPSessionKey sessionKey) throws PGPException {
                return jce.createDataDecryptor(packet, sessionKey);
            }

            @Override
            public PGPDataDecryptor createDataDecryptor(SymmetricEncIntegrityPacket packet, PGPSessionKey sessionKey)
                    throws PGPException {
                return jce.createDataDecryptor(packet, sessionKey);
            }
        };
    }

    private static PGPDataDecryptor batched(PGPDataDecryptorFactory jce, boolean withIntegrityPacket, int encAlgorithm,
            byte[] key) throws PGPException {
        PGPDataDecryptor original = jce.createDataDecryptor(withIntegrityPacket, encAlgorithm, key);
        if (!withIntegrityPacket || !isAes(encAlgorithm)) {
            return original;
        }
        byte[] aesKey = key.clone();
        return new PGPDataDecryptor() {
            @Override
            public InputStream getInputStream(InputStream in) {
                try {
                    return new CfbDecryptingInputStream(in, aesKey);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES is not available from SunJCE: " + e.getMessage(), e);
                } finally {
                    java.util.Arrays.fill(aesKey, (byte) 0);
                }
            }

            @Override
            public int getBlockSize() {
                return original.getBlockSize();
            }

            @Override
            public PGPDigestCalculator getIntegrityCalculator() {
                return original.getIntegrityCalculator();
            }
        };
    }

    private static boolean isAes(int algorithm) {
        return algorithm == SymmetricKeyAlgorithmTags.AES_128 || algorithm == SymmetricKeyAlgorithmTags.AES_192
                || algorithm == SymmetricKeyAlgorithmTags.AES_256;
    }
}
