package org.amyterm.backup.storage.upload;

import org.amyterm.backup.testsupport.Runbook;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * The runbook's manual recovery, run as written (AWS CLI, gpg, jq, zstd; nothing of this
 * software) on a backup the storage service stored in public-key mode.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class RunbookRecoveryTest extends StorageServiceTest {
    @Test
    void runbookCommandsRecoverTheExactArchiveOfAPublicKeyBackup() throws Exception {
        // Given a backup stored by the service
        byte[] archive = Dumps.randomBytes(700_000);
        BackupCompleted dump = Dumps.spooledArchive(archive);
        send(dump);
        BackupStored stored = events.await(BackupStored.class, BackupStored.TYPE);

        // When an operator follows the runbook with the bucket, gpg and the operations secret key
        Path dir = Files.createDirectories(TestDirs.server("runbook-public-key-" + dump.backupId()));
        Runbook.Run run = Runbook.run(dir, operatorEnvironment(stored, StoreResource.key.home()), "find", "fetch",
                "decrypt-public-key", "decompress");

        // Then every step succeeds and gives back exactly what pg_dump wrote
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains(stored.backupId() + "/manifest.json", "Good signature");
        assertThat(Files.readAllBytes(dir.resolve("restore/dump.pgcustom"))).isEqualTo(archive);
    }

    /**
     * What an operator's shell has: the bucket's credentials and endpoint, the backup's name, and a
     * gpg that holds the secret key and trusts nothing else but has imported the signing key.
     */
    static Map<String, String> operatorEnvironment(BackupStored stored, Path gnupgHome) {
        StoreResource.key.gpg("--import", StoreResource.key.secretKey().toString());
        StoreResource.key.gpg("--import", StoreResource.signingKey.publicKey().toString());
        Map<String, String> env = new HashMap<>();
        env.put("BUCKET", stored.bucket());
        env.put("PREFIX", "amyterm");
        env.put("DATABASE", stored.database());
        env.put("ID", stored.backupId());
        env.put("AWS_ACCESS_KEY_ID", StoreResource.s3.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", StoreResource.s3.secretKey());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_S3", StoreResource.s3.endpoint());
        env.put("GNUPGHOME", gnupgHome.toString());
        return env;
    }
}
