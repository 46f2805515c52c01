package org.amyterm.backup.dumper.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;

/**
 * The databases to back up and their servers, checked once at start-up: a mistake stops the
 * service with every problem listed, each naming its property and database, instead of failing
 * one night later. The consumer, the schedule and the REST API all take their databases from here.
 */
@Startup
@ApplicationScoped
public class SourceDatabases {
    public static final String DEFAULT_SERVER = "default";
    public static final List<String> CHECK_PROFILES = List.of("generic", "amyterm");
    /** A daily backup plus two hours' slack (the default of amyterm.backup.databases.<name>.rpo). */
    static final java.time.Duration DEFAULT_RPO = java.time.Duration.ofHours(26);
    /** The default of amyterm.backup.databases.<name>.rto. */
    static final java.time.Duration DEFAULT_RTO = java.time.Duration.ofHours(4);
    /** pg_dump name patterns we accept: identifiers with the wildcards * and ?, optionally schema.table. */
    static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9_$*?]+(\\.[A-Za-z0-9_$*?]+)?");
    private static final Pattern RETENTION_CLASS = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final Map<String, SourceDatabase> databases;

    @Inject
    public SourceDatabases(BackupConfig config) {
        this(config, System::getenv);
    }

    SourceDatabases(BackupConfig config, Function<String, String> environment) {
        List<String> problems = new ArrayList<>();
        Map<String, SourceServer> servers = servers(config, environment, problems);
        this.databases = databases(config, servers, problems);
        if (config.dump().sample().buckets() < 1) {
            problems.add("amyterm.backup.dump.sample.buckets: must be 1 or more (1 samples every row)");
        }
        if (problems.isEmpty() && databases.isEmpty()) {
            problems.add("no database to back up: set amyterm.backup.source.databases, or "
                    + "amyterm.backup.databases.<name>.server for each database");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    /** Configured database names, sorted. */
    public List<String> names() {
        return List.copyOf(databases.keySet());
    }

    public Optional<SourceDatabase> get(String name) {
        return Optional.ofNullable(databases.get(name));
    }

    public Collection<SourceDatabase> all() {
        return databases.values();
    }

    private static Map<String, SourceServer> servers(BackupConfig config, Function<String, String> environment,
            List<String> problems) {
        Map<String, SourceServer> servers = new TreeMap<>();
        if (config.source().databases().isPresent()) {
            BackupConfig.Source source = config.source();
            if (source.maxConcurrentDumps() < 1) {
                problems.add("amyterm.backup.source.max-concurrent-dumps: must be 1 or more");
            }
            servers.put(DEFAULT_SERVER, new SourceServer(DEFAULT_SERVER, source.host(), source.port(), source.user(),
                    new SourceServer.PasswordValue(source.password().filter(p -> !p.isEmpty())),
                    Math.max(1, source.maxConcurrentDumps())));
        }
        config.servers().forEach((name, server) -> {
            String property = "amyterm.backup.servers." + name;
            if (servers.containsKey(name)) {
                problems.add(property + ": the name '" + name + "' is taken by the amyterm.backup.source.* server");
                return;
            }
            if (server.host().isBlank()) {
                problems.add(property + ".host: empty");
            }
            if (server.port() < 1 || server.port() > 65535) {
                problems.add(property + ".port: " + server.port() + " is not a TCP port");
            }
            if (server.user().isBlank()) {
                problems.add(property + ".user: empty");
            }
            SourceServer.PasswordSource password = new SourceServer.PasswordValue(Optional.empty());
            if (server.passwordFile().isPresent() && server.passwordEnv().isPresent()) {
                problems.add(property + ": set password-file or password-env, not both");
            } else if (server.passwordFile().isPresent()) {
                Path file = server.passwordFile().get();
                if (!Files.isReadable(file)) {
                    problems.add(property + ".password-file: " + file + " does not exist or cannot be read");
                }
                password = new SourceServer.PasswordFile(file);
            } else if (server.passwordEnv().isPresent()) {
                String variable = server.passwordEnv().get();
                if (environment.apply(variable) == null) {
                    problems.add(property + ".password-env: the environment variable " + variable + " is not set");
                }
                password = new SourceServer.PasswordVariable(variable, environment);
            }
            if (server.maxConcurrentDumps() < 1) {
                problems.add(property + ".max-concurrent-dumps: must be 1 or more");
            }
            servers.put(name, new SourceServer(name, server.host(), server.port(), server.user(), password,
                    Math.max(1, server.maxConcurrentDumps())));
        });
        return servers;
    }

    private static Map<String, SourceDatabase> databases(BackupConfig config, Map<String, SourceServer> servers,
            List<String> problems) {
        Map<String, SourceDatabase> databases = new TreeMap<>();
        if (config.source().databases().isPresent() && !CHECK_PROFILES.contains(config.source().checkProfile())) {
            problems.add("amyterm.backup.source.check-profile: '" + config.source().checkProfile() + "' is not one of "
                    + String.join(", ", CHECK_PROFILES));
        }
        for (String name : config.source().databases().orElse(List.of())) {
            if (!ObjectLayout.isDatabaseName(name)) {
                problems.add("amyterm.backup.source.databases: '" + name + "' is not a usable database name "
                        + "(letters, digits, _ . -; at most 63 characters)");
            } else {
                databases.put(name, new SourceDatabase(name, servers.get(DEFAULT_SERVER), Optional.empty(),
                        cron(config.schedule().cron(), "amyterm.backup.schedule.cron", problems), DEFAULT_RPO, DEFAULT_RTO, "daily",
                        config.source().checkProfile(), List.of(), List.of()));
            }
        }
        config.databases().forEach((name, database) -> {
            String property = "amyterm.backup.databases.\"" + name + "\"";
            if (!ObjectLayout.isDatabaseName(name)) {
                problems.add(property + ": '" + name + "' is not a usable database name (letters, digits, _ . -; "
                        + "at most 63 characters)");
                return;
            }
            if (databases.containsKey(name)) {
                problems.add(property + ": database " + name + " is also in amyterm.backup.source.databases; "
                        + "configure it in one place");
                return;
            }
            SourceServer server = server(name, database.server(), servers, property, problems);
            Optional<NodeRole> role = database.nodeRole().map(code -> {
                NodeRole parsed = NodeRole.fromCode(code);
                if (parsed == NodeRole.UNKNOWN) {
                    problems.add(property + ".node-role: '" + code + "' is neither central nor regional");
                }
                return parsed;
            });
            Optional<String> cron = database.schedule().isPresent()
                    ? cron(database.schedule().get(), property + ".schedule", problems)
                    : cron(config.schedule().cron(), "amyterm.backup.schedule.cron", problems);
            if (!RETENTION_CLASS.matcher(database.retentionClass()).matches()) {
                problems.add(property + ".retention-class: '" + database.retentionClass()
                        + "' is not a class name (lower-case letters, digits, -)");
            }
            if (!CHECK_PROFILES.contains(database.checkProfile())) {
                problems.add(property + ".check-profile: '" + database.checkProfile() + "' is not one of "
                        + String.join(", ", CHECK_PROFILES));
            }
            List<String> schemas = patterns(database.excludeSchemas(), property + ".exclude-schemas", false, problems);
            List<String> tables = patterns(database.excludeTables(), property + ".exclude-tables", true, problems);
            if (database.rpo().isNegative() || database.rpo().isZero()) {
                problems.add(property + ".rpo: " + database.rpo() + " is not a positive duration");
            }
            if (database.rto().isNegative() || database.rto().isZero()) {
                problems.add(property + ".rto: " + database.rto() + " is not a positive duration");
            }
            if (server != null) {
                databases.put(name, new SourceDatabase(name, server, role, cron, database.rpo(),
                        database.rto(), database.retentionClass(), database.checkProfile(), schemas, tables));
            }
        });
        return databases;
    }

    private static SourceServer server(String database, Optional<String> name, Map<String, SourceServer> servers,
            String property, List<String> problems) {
        if (name.isEmpty()) {
            if (servers.size() == 1) {
                return servers.values().iterator().next();
            }
            problems.add(property + ".server: required, since " + (servers.isEmpty() ? "no server is configured "
                    + "(amyterm.backup.servers.<name>.*)" : servers.size() + " servers are configured ("
                    + String.join(", ", servers.keySet()) + ")"));
            return null;
        }
        SourceServer server = servers.get(name.get());
        if (server == null) {
            problems.add(property + ".server: '" + name.get() + "' is not a configured server (configured: "
                    + (servers.isEmpty() ? "none" : String.join(", ", servers.keySet())) + ") for database " + database);
        }
        return server;
    }

    private static Optional<String> cron(String cron, String property, List<String> problems) {
        if (cron.isBlank() || cron.strip().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        try {
            CRON.parse(cron).validate();
            return Optional.of(cron.strip());
        } catch (IllegalArgumentException e) {
            problems.add(property + ": '" + cron + "' is not a Quartz cron expression (seconds first, e.g. "
                    + "\"0 30 1 * * ?\"): " + e.getMessage());
            return Optional.empty();
        }
    }

    private static List<String> patterns(Optional<List<String>> patterns, String property, boolean qualified,
            List<String> problems) {
        List<String> valid = new ArrayList<>();
        for (String pattern : patterns.orElse(List.of())) {
            if (!NAME_PATTERN.matcher(pattern).matches() || qualified != pattern.contains(".")) {
                problems.add(property + ": '" + pattern + "' is not a pattern of letters, digits, _, $ and the "
                        + "wildcards * ?" + (qualified ? ", as schema.table" : ", without a dot"));
            } else {
                valid.add(pattern);
            }
        }
        return valid;
    }

    /** The configuration cannot work; the message lists every problem found. */
    public static final class InvalidConfigurationException extends IllegalStateException {
        InvalidConfigurationException(List<String> problems) {
            super("the backup service's configuration is invalid:\n  - " + String.join("\n  - ", problems));
        }
    }
}
