package org.amyterm.backup.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a service needs of Kafka, declared beside its channels: the topics it reads, the topics it
 * writes and its consumer groups. The operator's ACL list (docs/deployment.md#kafka) is this, per
 * service; {@link KafkaAccessCheck} holds the broker to it at start-up.
 */
@ConfigMapping(prefix = "amyterm.kafka.access")
public interface KafkaAccess {
    /** Topics the service consumes (ACL: Read on each; Describe comes with it). */
    Optional<List<String>> read();

    /** Topics the service produces to (ACL: Write on each). */
    Optional<List<String>> write();

    /** Consumer groups the service joins (ACL: Read on each group). */
    Optional<List<String>> groups();

    /** Check the rights at start-up; {@code false} skips it (brokers without an authorizer answer every right). */
    @WithDefault("true")
    boolean check();

    /** How long the start-up check waits for the broker; an unreachable broker is not a refusal and is ridden out. */
    @WithDefault("10s")
    Duration timeout();
}
