package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Apache Kafka broker in KRaft combined mode, in a JVM of its own: plaintext, or
 * {@linkplain #startSecured secured} as production runs it (SASL/SCRAM over TLS, the standard
 * authorizer, no right without an ACL).
 */
public final class KafkaBroker {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path dir;
    private final int port;
    private final Security security;
    private volatile ServerProcess process;

    /** A secured broker's TLS trust store and its administration listener; null for a plaintext one. */
    private record Security(Path truststore, String truststorePassword, int adminPort) {
        @Override
        public String toString() {
            return "Security[truststore=" + truststore + ", adminPort=" + adminPort + "]";
        }
    }

    private KafkaBroker(String name, List<String> command, Map<String, String> env, Path dir, int port, Security security) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.dir = dir;
        this.port = port;
        this.security = security;
        startAgain();
    }

    public static KafkaBroker start(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        int controllerPort = FreePort.next();
        return start(name, dir, port, List.of(
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "auto.create.topics.enable=true"), null);
    }

    /**
     * A broker whose clients' listener is SASL_SSL with SCRAM-SHA-512 and whose authorizer is the
     * standard one with no right granted by default: clients connect as users made with
     * {@link #addUser} and do only what ACLs allow. Topics are not created on demand. The test itself
     * administers it (users, ACLs, topics) through {@link #adminConfig()}: a plaintext listener on
     * 127.0.0.1 whose anonymous user is the super user, which a production broker would not have.
     */
    public static KafkaBroker startSecured(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        int adminPort = FreePort.next();
        int controllerPort = FreePort.next();
        String password = java.util.UUID.randomUUID().toString();
        Map<String, String> keytoolEnv = Map.of("STORE_PASSWORD", password);
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        try {
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess.run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "7", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass:env", "STORE_PASSWORD"), keytoolEnv, dir, Duration.ofMinutes(1));
        ServerProcess.run(List.of(keytool, "-exportcert", "-alias", "broker", "-keystore", keystore.toString(),
                "-storepass:env", "STORE_PASSWORD", "-file", certificate.toString()), keytoolEnv, dir, Duration.ofMinutes(1));
        ServerProcess.run(List.of(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass:env", "STORE_PASSWORD"),
                keytoolEnv, dir, Duration.ofMinutes(1));
        return start(name, dir, port, List.of(
                "listeners=SASL_SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + adminPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + adminPort,
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "inter.broker.listener.name=INTERNAL",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                // the server side of SCRAM needs a login module, with no credentials of its own
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + keystore,
                "ssl.keystore.password=" + password,
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:ANONYMOUS",
                "auto.create.topics.enable=false"), new Security(truststore, password, adminPort));
    }

    private static KafkaBroker start(String name, Path dir, int port, List<String> listeners, Security security) {
        Path config = dir.resolve("server.properties");
        List<String> lines = new java.util.ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.listener.names=CONTROLLER"));
        lines.addAll(listeners);
        lines.addAll(List.of(
                "log.dirs=" + dir.resolve("data-" + port),
                "num.partitions=3",
                "group.initial.rebalance.delay.ms=0",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "log.cleaner.dedupe.buffer.size=16777216",
                ""));
        try {
            Files.writeString(config, String.join("\n", lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classpath = Classpaths.of("kafka");
        Map<String, String> env = Map.of("CLASSPATH", classpath);
        String clusterId = ServerProcess.run(TestJvm.command("-Xmx128m",
                "-Dorg.slf4j.simpleLogger.logFile=System.err", "kafka.tools.StorageTool", "random-uuid"),
                env, dir, Duration.ofMinutes(1)).lines()
                .filter(line -> line.matches("[A-Za-z0-9_-]{22}"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("StorageTool printed no cluster id"));
        ServerProcess.run(TestJvm.command("-Xmx128m", "kafka.tools.StorageTool", "format", "-t",
                clusterId, "-c", config.toString()), env, dir, Duration.ofMinutes(1));
        List<String> command = TestJvm.command("-Xmx256m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "kafka.Kafka", config.toString());
        return new KafkaBroker(name, command, env, dir, port, security);
    }

    /** Starts the broker (again, after {@link #stop}): same port, same data. */
    public void startAgain() {
        ServerProcess started = ServerProcess.start(name, command, env, dir, dir.resolve("kafka.log"));
        FreePort.awaitListening(port, Duration.ofSeconds(90), started);
        process = started;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public ServerProcess process() {
        return process;
    }

    public void stop() {
        process.stop("TERM");
    }

    /** A client's security settings on a secured broker, as user {@code user}; nothing for a plaintext one. */
    public Map<String, String> clientSecurity(String user, String password) {
        if (security == null) {
            return Map.of();
        }
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", security.truststore().toString(),
                "ssl.truststore.password", security.truststorePassword());
    }

    /** Admin client settings with every right: the secured broker's administration listener, or the plaintext one. */
    public java.util.Properties adminConfig() {
        java.util.Properties config = new java.util.Properties();
        config.put("bootstrap.servers", "127.0.0.1:" + (security == null ? port : security.adminPort()));
        return config;
    }

    /** Makes (or changes) a SCRAM-SHA-512 user on a secured broker. */
    public void addUser(String user, String password) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(
                            org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not add Kafka user " + user, e);
        }
    }
}
