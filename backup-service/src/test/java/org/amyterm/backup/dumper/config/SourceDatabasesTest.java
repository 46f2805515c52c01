package org.amyterm.backup.dumper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Databases on several servers as configuration, checked at start-up. */
class SourceDatabasesTest {
    @TempDir
    Path dir;

    @Test
    void aCentralNodeAndTwoRegionalNodesOnTwoServersAreConfiguredAsDocumented() throws Exception {
        // Given the example of docs/configuration.md, its secret file made here
        Path secret = Files.writeString(dir.resolve("central-password"), "s3cret\n");
        Map<String, String> properties = documentedExample();
        assertThat(properties.put("amyterm.backup.servers.central.password-file", secret.toString()))
                .isEqualTo("/run/secrets/pg-central-password");

        // When the service starts
        SourceDatabases databases = new SourceDatabases(Configs.backupConfig(properties),
                Map.of("REGIONS_PGPASSWORD", "other")::get);

        // Then each database has its server, role, schedule, profile and exclusions
        assertThat(databases.names()).containsExactly("amyterm", "amyterm_north", "amyterm_south");
        SourceDatabase central = databases.get("amyterm").orElseThrow();
        assertThat(central.server().host()).isEqualTo("pg-central.internal");
        assertThat(central.server().password()).contains("s3cret");
        assertThat(central.nodeRole()).contains(NodeRole.CENTRAL);
        assertThat(central.cron()).contains("0 30 1 * * ?");
        assertThat(central.checkProfile()).isEqualTo("amyterm");
        assertThat(central.excludeTables()).containsExactly("audit.request_log_*");
        SourceDatabase north = databases.get("amyterm_north").orElseThrow();
        assertThat(north.server().port()).isEqualTo(5433);
        assertThat(north.server().password()).contains("other");
        assertThat(north.cron()).contains("0 0 2 * * ?");
        assertThat(north.rpo()).isEqualTo(java.time.Duration.ofHours(50));
        assertThat(central.rpo()).isEqualTo(java.time.Duration.ofHours(26));
        assertThat(databases.get("amyterm_south").orElseThrow().retentionClass()).isEqualTo("regional-daily");
        // and no password shows in what may be logged
        assertThat(central.toString() + north.toString()).doesNotContain("s3cret", "other");
    }

    /** The properties block under "Example: a central node and two regional nodes" in docs/configuration.md. */
    private static Map<String, String> documentedExample() throws IOException {
        String doc = Files.readString(TestDirs.repositoryRoot().resolve("docs/configuration.md"));
        int heading = doc.indexOf("### Example: a central node and two regional nodes on two servers");
        assertThat(heading).as("the example's heading in docs/configuration.md").isNotNegative();
        int start = doc.indexOf("```properties\n", heading) + "```properties\n".length();
        Properties example = new Properties();
        example.load(new StringReader(doc.substring(start, doc.indexOf("```", start))));
        Map<String, String> properties = new HashMap<>();
        example.stringPropertyNames().forEach(name -> properties.put(name, example.getProperty(name)));
        return properties;
    }

    @Test
    void theOneServerFormStillWorks() {
        SourceDatabases databases = new SourceDatabases(Configs.backupConfig(Map.of(
                "amyterm.backup.source.host", "db.internal",
                "amyterm.backup.source.databases", "amyterm,terminology",
                "amyterm.backup.source.password", "pw")), name -> null);

        assertThat(databases.names()).containsExactly("amyterm", "terminology");
        assertThat(databases.get("terminology").orElseThrow().server()).satisfies(server -> {
            assertThat(server.name()).isEqualTo(SourceDatabases.DEFAULT_SERVER);
            assertThat(server.host()).isEqualTo("db.internal");
            assertThat(server.password()).contains("pw");
        });
        assertThat(databases.get("amyterm").orElseThrow().nodeRole()).isEqualTo(Optional.empty());
    }

    @Test
    void everyMistakeIsListedNamingItsPropertyAndDatabase() {
        Map<String, String> properties = new HashMap<>(Map.of(
                "amyterm.backup.servers.a.host", "a.internal",
                "amyterm.backup.servers.a.user", "backup",
                "amyterm.backup.servers.a.password-env", "NOT_SET_ANYWHERE",
                "amyterm.backup.servers.b.host", "b.internal",
                "amyterm.backup.servers.b.user", "backup",
                "amyterm.backup.servers.b.password-file", dir.resolve("missing").toString()));
        properties.putAll(Map.of(
                "amyterm.backup.databases.one.server", "c",
                "amyterm.backup.databases.two.node-role", "hub",
                "amyterm.backup.databases.three.server", "a",
                "amyterm.backup.databases.three.schedule", "every night",
                "amyterm.backup.databases.four.server", "a",
                "amyterm.backup.databases.four.check-profile", "thorough",
                "amyterm.backup.databases.four.exclude-tables", "logs",
                "amyterm.backup.databases.\"host=evil\".server", "a"));

        assertThatThrownBy(() -> new SourceDatabases(Configs.backupConfig(properties), name -> null))
                .isInstanceOf(SourceDatabases.InvalidConfigurationException.class)
                .hasMessageContaining("amyterm.backup.servers.a.password-env: the environment variable NOT_SET_ANYWHERE")
                .hasMessageContaining("amyterm.backup.servers.b.password-file: " + dir.resolve("missing"))
                .hasMessageContaining("amyterm.backup.databases.\"one\".server: 'c' is not a configured server "
                        + "(configured: a, b)")
                .hasMessageContaining("amyterm.backup.databases.\"two\".server: required, since 2 servers")
                .hasMessageContaining("amyterm.backup.databases.\"two\".node-role: 'hub'")
                .hasMessageContaining("amyterm.backup.databases.\"three\".schedule: 'every night' is not a Quartz cron")
                .hasMessageContaining("amyterm.backup.databases.\"four\".check-profile: 'thorough'")
                .hasMessageContaining("amyterm.backup.databases.\"four\".exclude-tables: 'logs'")
                .hasMessageContaining("amyterm.backup.databases.\"host=evil\": 'host=evil' is not a usable database name");
    }

    @Test
    void noDatabaseAtAllIsAnError() {
        assertThatThrownBy(() -> new SourceDatabases(Configs.backupConfig(Map.of()), name -> null))
                .hasMessageContaining("no database to back up");
    }
}
