package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real Apache Kafka broker in KRaft combined mode, in a JVM of its own. */
public final class KafkaBroker {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path dir;
    private final int port;
    private volatile ServerProcess process;

    private KafkaBroker(String name, List<String> command, Map<String, String> env, Path dir, int port) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.dir = dir;
        this.port = port;
        startAgain();
    }

    public static KafkaBroker start(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        int controllerPort = FreePort.next();
        Path config = dir.resolve("server.properties");
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
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
                "auto.create.topics.enable=true",
                "");
        try {
            Files.writeString(config, properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classpath = Classpaths.of("kafka");
        Map<String, String> env = Map.of("CLASSPATH", classpath);
        String clusterId = ServerProcess.run(List.of(Classpaths.javaBinary(), "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.logFile=System.err", "kafka.tools.StorageTool", "random-uuid"),
                env, dir, Duration.ofMinutes(1)).lines()
                .filter(line -> line.matches("[A-Za-z0-9_-]{22}"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("StorageTool printed no cluster id"));
        ServerProcess.run(List.of(Classpaths.javaBinary(), "-Xmx128m", "kafka.tools.StorageTool", "format", "-t",
                clusterId, "-c", config.toString()), env, dir, Duration.ofMinutes(1));
        List<String> command = List.of(Classpaths.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "kafka.Kafka", config.toString());
        return new KafkaBroker(name, command, env, dir, port);
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
}
