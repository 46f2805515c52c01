package org.amyterm.backup.objectstore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;

/** What backups exist, read from the bucket alone: any replica can rebuild it at any time. */
public final class BackupCatalogue {
    private final ObjectStore store;
    private final ObjectLayout layout;

    public BackupCatalogue(ObjectStore store, ObjectLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /** Databases with at least one backup folder. */
    public List<String> databases() {
        TreeSet<String> names = new TreeSet<>();
        for (String key : store.list(layout.root())) {
            layout.parse(key).ifPresent(location -> names.add(location.database()));
        }
        return List.copyOf(names);
    }

    /** The database's backups, newest first. */
    public List<BackupSummary> list(String database) {
        return summaries(store.list(layout.databasePrefix(database)));
    }

    /** Finds a backup without knowing its database: lists the keys, reads only that backup's files. */
    public Optional<BackupSummary> find(String backupId) {
        List<String> keys = store.list(layout.root()).stream()
                .filter(key -> layout.parse(key).map(l -> l.backupId().equals(backupId)).orElse(false))
                .toList();
        return summaries(keys).stream().findFirst();
    }

    public Optional<BackupSummary> find(String database, String backupId) {
        return summaries(store.list(layout.backupFolder(database, backupId))).stream().findFirst();
    }

    /** The newest backup whose restore test passed: what "restore to last known good" uses. */
    public Optional<BackupSummary> lastKnownGood(String database) {
        return list(database).stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).findFirst();
    }

    private List<BackupSummary> summaries(List<String> keys) {
        Map<String, List<ObjectLayout.Location>> byBackup = new LinkedHashMap<>();
        for (String key : keys) {
            layout.parse(key).ifPresent(l -> byBackup.computeIfAbsent(l.database() + "/" + l.backupId(),
                    k -> new ArrayList<>()).add(l));
        }
        List<BackupSummary> result = new ArrayList<>();
        for (List<ObjectLayout.Location> files : byBackup.values()) {
            ObjectLayout.Location any = files.get(0);
            Manifest manifest = read(files, ObjectLayout.MANIFEST_FILE, Manifest.class);
            Verification verification = read(files, ObjectLayout.VERIFICATION_FILE, Verification.class);
            StageFailed failure = read(files, ObjectLayout.FAILURE_FILE, StageFailed.class);
            if (manifest == null && failure == null) {
                continue; // an upload in progress, not yet a backup
            }
            result.add(new BackupSummary(any.backupId(), any.database(), BackupSummary.stateOf(manifest, verification),
                    manifest, verification, failure));
        }
        result.sort(Comparator.comparing(BackupSummary::backupId).reversed());
        return result;
    }

    private <T> T read(List<ObjectLayout.Location> files, String name, Class<T> type) {
        for (ObjectLayout.Location l : files) {
            if (l.file().equals(name)) {
                String key = layout.backupFolder(l.database(), l.backupId()) + name;
                return store.getText(key).map(json -> EventJson.read(json, type)).orElse(null);
            }
        }
        return null;
    }
}
