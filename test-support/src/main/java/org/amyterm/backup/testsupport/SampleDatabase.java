package org.amyterm.backup.testsupport;

import java.nio.file.Path;
import java.util.Map;

/** Creates the sample Amy-Term database of {@code deploy/sample-amyterm} on a test server. */
public final class SampleDatabase {
    private SampleDatabase() {
    }

    /** Creates {@code database} with the Amy-Term-shaped schema and {@code concepts} generated concepts. */
    public static void create(PostgresServer server, String database, int concepts) {
        Path dir = TestDirs.repositoryRoot().resolve("deploy/sample-amyterm");
        server.createDatabase(database);
        server.psqlFile(database, dir.resolve("schema.sql"), Map.of());
        server.psqlFile(database, dir.resolve("generate.sql"), Map.of("concepts", Integer.toString(concepts)));
    }
}
