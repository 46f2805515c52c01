package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A signed manifest describes one folder only; evidence vouches for one folder's object only. */
class ManifestBindingTest {
    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");
    private static final Instant T = Instant.parse("2026-11-25T13:32:00Z");
    private static final String ID = BackupId.of(T, "a");
    private static final String OTHER = BackupId.of(T.plusSeconds(86400), "b");

    @Test
    void aManifestIsBoundToTheFolderItDescribes() {
        Manifest manifest = manifest("amyterm", ID, LAYOUT.dumpKey("amyterm", ID), Manifest.Encryption.publicKey(
                Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))));

        assertThat(manifest.bindingProblem(LAYOUT, "amyterm", ID)).isEmpty();
        assertThat(manifest.bindingProblem(LAYOUT, "amyterm", OTHER)).get().asString()
                .contains("lies in the folder of backup " + OTHER);
        assertThat(manifest.bindingProblem(LAYOUT, "regional", ID)).isPresent();
        assertThat(manifest("amyterm", ID, LAYOUT.dumpKey("amyterm", OTHER), manifest.encryption())
                .bindingProblem(LAYOUT, "amyterm", ID)).get().asString().contains("names the object");
    }

    @Test
    void aKmsManifestMustCarryItsFolderContext() {
        Manifest.Encryption own = new Manifest.Encryption(Manifest.Encryption.KMS_ENVELOPE,
                Manifest.Encryption.AES256_SEIPD_MDC, "alias/k", "d2s=", List.of(), KmsEnvelope.context(ID, "amyterm"));
        Manifest.Encryption others = new Manifest.Encryption(Manifest.Encryption.KMS_ENVELOPE,
                Manifest.Encryption.AES256_SEIPD_MDC, "alias/k", "d2s=", List.of(), KmsEnvelope.context(OTHER, "amyterm"));

        assertThat(manifest("amyterm", ID, LAYOUT.dumpKey("amyterm", ID), own).bindingProblem(LAYOUT, "amyterm", ID))
                .isEmpty();
        assertThat(manifest("amyterm", ID, LAYOUT.dumpKey("amyterm", ID), others).bindingProblem(LAYOUT, "amyterm", ID))
                .get().asString().contains("KMS encryption context");
    }

    @Test
    void evidenceVouchesOnlyForItsFolderFileAndObject() {
        Manifest manifest = manifest("amyterm", ID, LAYOUT.dumpKey("amyterm", ID), Manifest.Encryption.publicKey(
                Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))));
        Verification evidence = new Verification(1, ID, "amyterm", true, "s", "pg_restore", T, T, 1, 1, List.of())
                .naming("b".repeat(64));

        assertThat(evidence.bindingProblem("amyterm", ID, ObjectLayout.VERIFICATION_FILE, manifest)).isEmpty();
        assertThat(evidence.bindingProblem("amyterm", OTHER, ObjectLayout.VERIFICATION_FILE, manifest)).isPresent();
        assertThat(evidence.bindingProblem("amyterm", ID, "verification." + OTHER + ".json", manifest)).isPresent();
        assertThat(evidence.naming("c".repeat(64)).bindingProblem("amyterm", ID, ObjectLayout.VERIFICATION_FILE, manifest))
                .get().asString().contains("not the one the backup's manifest records");
        assertThat(evidence.bindingProblem("amyterm", ID, ObjectLayout.VERIFICATION_FILE, null)).isPresent();
    }

    private static Manifest manifest(String database, String id, String objectKey, Manifest.Encryption encryption) {
        return new Manifest(1, id, database, BackupReason.SCHEDULED, NodeRole.CENTRAL, "15", "pg_dump 15", null, Map.of(),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 1, "a".repeat(64)), encryption,
                new Manifest.StoredObject(objectKey, 1, "b".repeat(64)), T, T, T);
    }
}
