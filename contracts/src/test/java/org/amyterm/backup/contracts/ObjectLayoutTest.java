package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObjectLayoutTest {
    private final String id = BackupId.of(Instant.parse("2026-03-04T05:06:07Z"), "k");

    @Test
    void backupFolderIsPrefixDatabaseDateAndId() {
        ObjectLayout layout = new ObjectLayout("/backups/");
        assertThat(layout.backupFolder("amyterm", id)).isEqualTo("backups/amyterm/2026/03/04/" + id + "/");
        assertThat(layout.dumpKey("amyterm", id)).endsWith("/" + id + "/dump.pgcustom.zst.gpg");
        assertThat(layout.manifestKey("amyterm", id)).endsWith("/manifest.json");
        assertThat(layout.verificationKey("amyterm", id)).endsWith("/verification.json");
    }

    @Test
    void keysParseBackToDatabaseBackupAndFile() {
        ObjectLayout layout = new ObjectLayout("");
        assertThat(layout.parse(layout.manifestKey("amyterm", id)))
                .contains(new ObjectLayout.Location("amyterm", id, "manifest.json"));
        assertThat(layout.parse("amyterm/not-a-backup/manifest.json")).isEmpty();
        assertThat(new ObjectLayout("p").parse("q/amyterm/2026/03/04/" + id + "/manifest.json")).isEmpty();
    }

    @Test
    void databaseNamesThatCouldEscapeTheLayoutAreRefused() {
        ObjectLayout layout = new ObjectLayout("p");
        assertThatThrownBy(() -> layout.databasePrefix("../other")).hasMessageContaining("not a usable database name");
        assertThatThrownBy(() -> layout.databasePrefix("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
