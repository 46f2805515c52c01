package org.amyterm.backup.dumper.dump;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.dumper.config.Configs;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.testsupport.PostgresServer;

/** A DumpRunner on the test PostgreSQL as its superuser, spooling to {@code spool}, with some properties changed. */
final class TestDumpers {
    private TestDumpers() {
    }

    static DumpRunner dumper(PostgresServer postgres, Path spool, String database, Map<String, String> change) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "amyterm.backup.source.host", postgres.host(),
                "amyterm.backup.source.port", Integer.toString(postgres.port()),
                "amyterm.backup.source.user", PostgresServer.SUPERUSER,
                "amyterm.backup.source.password", postgres.password(),
                "amyterm.backup.source.databases", database,
                "amyterm.backup.spool.dir", spool.toString(),
                "amyterm.backup.dump.pg-bin-dir", postgres.binDir().toString()));
        properties.putAll(change);
        BackupConfig config = Configs.backupConfig(properties);
        return new DumpRunner(config, new SourceDatabases(config));
    }
}
