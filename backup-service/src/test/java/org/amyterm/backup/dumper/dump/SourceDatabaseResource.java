package org.amyterm.backup.dumper.dump;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.SampleDatabase;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;

/** A real PostgreSQL with the sample database and a read-only backup role; Kafka channels in memory. */
public class SourceDatabaseResource implements QuarkusTestResourceLifecycleManager {
    public static final String DATABASE = "amyterm_unit";
    public static final String MISSING = "not_on_the_server";
    /** A database on a server nobody listens on: its dumps fail retryably. */
    public static final String UNREACHABLE = "on_a_down_server";
    public static final String PASSWORD = "unit-" + java.util.UUID.randomUUID();

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = TestServers.postgres();
        SampleDatabase.create(postgres, DATABASE, 500);
        postgres.psql("postgres", "CREATE ROLE unit_backup LOGIN IN ROLE pg_read_all_data PASSWORD '" + PASSWORD + "'");
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory("backup-requests"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("events"));
        // the channels are in memory; the idempotency keys live in a real broker's compacted topic
        config.put("kafka.bootstrap.servers", TestServers.kafka().bootstrapServers());
        config.put("amyterm.backup.source.host", postgres.host());
        config.put("amyterm.backup.source.port", Integer.toString(postgres.port()));
        config.put("amyterm.backup.source.user", "unit_backup");
        config.put("amyterm.backup.source.password", PASSWORD);
        config.put("amyterm.backup.source.databases", DATABASE + "," + MISSING);
        config.put("amyterm.backup.spool.dir", TestDirs.servers().resolve("unit-spool").toString());
        config.put("amyterm.backup.schedule.cron", "off");
        config.put("amyterm.backup.dump.pg-bin-dir", postgres.binDir().toString());
        config.put("amyterm.backup.servers.down.host", "127.0.0.1");
        config.put("amyterm.backup.servers.down.port", Integer.toString(org.amyterm.backup.testsupport.FreePort.next()));
        config.put("amyterm.backup.servers.down.user", "unit_backup");
        config.put("amyterm.backup.databases." + UNREACHABLE + ".server", "down");
        // retries over seconds, not the default half hour
        config.put("amyterm.backup.retry.window", "4s");
        config.put("amyterm.backup.retry.initial-delay", "500ms");
        config.put("amyterm.backup.retry.max-delay", "1s");
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
