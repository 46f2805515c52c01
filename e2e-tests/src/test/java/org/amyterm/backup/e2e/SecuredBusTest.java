package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.ServerProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kafka as production secures it: SASL/SCRAM over TLS, the standard authorizer granting nothing
 * without an ACL, topics made from {@code deploy/kafka/topics.tsv}, and each service a principal of
 * its own holding only the ACLs {@code deploy/kafka/acls.tsv} lists for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredBusTest {
    private static final List<String> SERVICES = List.of("backup-service", "storage-service", "verifier-service",
            "notifier-service");
    private static KafkaBroker broker;
    private static Pipeline pipeline;
    private static final Map<String, Map<String, String>> settings = new HashMap<>();

    @BeforeAll
    static void startSecuredPipeline() throws Exception {
        broker = KafkaBroker.startSecured("kafka-secured");
        try (Admin admin = Admin.create(broker.adminConfig())) {
            KafkaAdministration.createTopics(admin);
            for (String service : SERVICES) {
                String user = principal(service);
                String password = "Kp-" + UUID.randomUUID();
                broker.addUser(user, password);
                KafkaAdministration.grant(admin, KafkaAdministration.acls(service, "User:" + user));
                settings.put(service, broker.clientSecurity(user, password));
            }
        }
        pipeline = Pipeline.started("e2e-secured", broker, settings);
    }

    @AfterAll
    static void stop() {
        Pipeline.stop(pipeline, broker);
    }

    @Test
    @Order(1)
    void backupGoesThroughEveryServiceEachWithOnlyItsOwnAcls() {
        // Given four services, each logged in as its own principal with only its ACLs
        // When an operator takes a backup and waits for its restore test
        Pipeline.CliRun run = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "verified", "--json");

        // Then it was dumped, stored, restored and checked over the secured bus
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        BackupSummary backup = EventJson.read(run.out(), BackupSummary.class);
        assertThat(backup.state()).isEqualTo(BackupSummary.State.VERIFIED);
        // and the notifier, reading every topic by its prefix ACL, wrote it to the audit trail
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(pipeline.logs.resolve("audit.jsonl"))
                && Files.readString(pipeline.logs.resolve("audit.jsonl")).contains(backup.backupId()));
        // and no service logged a refusal of the broker
        for (String service : SERVICES) {
            assertThat(pipeline.logs.resolve(service + ".log")).content()
                    .doesNotContain("AuthorizationException", "not authorized", "Authentication failed");
        }
    }

    @Test
    @Order(2)
    void serviceWithoutARightItNeedsRefusesToStartNamingTheAcl() throws Exception {
        // Given the storage service's principal without its Write on backup.stored
        AclBinding writeStored = KafkaAdministration.acls("storage-service", "User:" + principal("storage-service"))
                .stream().filter(acl -> acl.pattern().name().equals("backup.stored")).findFirst().orElseThrow();
        try (Admin admin = Admin.create(broker.adminConfig())) {
            KafkaAdministration.revoke(admin, writeStored);
            try {
                // When another replica of it starts
                ServerProcess replica = pipeline.launchAnother("storage-service", settings.get("storage-service"),
                        "storage-service-without-rights.log");

                // Then it stops at start-up, saying which ACL to add
                await().atMost(Duration.ofSeconds(90)).until(() -> !replica.isAlive());
                assertThat(replica.logFile()).content().contains("lacks Kafka rights it needs: Write on topic backup.stored",
                        "docs/deployment.md#kafka");
            } finally {
                KafkaAdministration.grant(admin, List.of(writeStored));
            }
        }
        // while with the right granted again, a replica starts and stays up
        ServerProcess replica = pipeline.launchAnother("storage-service", settings.get("storage-service"),
                "storage-service-with-rights.log");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(replica.logFile()).contains("Kafka rights checked"));
        assertThat(replica.isAlive()).isTrue();
        replica.stop("TERM");
    }

    private static String principal(String service) {
        return "amyterm-" + service.replace("-service", "");
    }
}
