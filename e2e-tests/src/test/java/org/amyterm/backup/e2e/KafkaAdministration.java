package org.amyterm.backup.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Applies the operator's files as written: the topic list ({@code deploy/kafka/topics.tsv}) and
 * the ACLs per service ({@code deploy/kafka/acls.tsv}), through the Kafka Admin API.
 */
final class KafkaAdministration {
    static final Path TOPICS = Pipeline.module("deploy").resolve("kafka/topics.tsv");
    static final Path ACLS = Pipeline.module("deploy").resolve("kafka/acls.tsv");

    private KafkaAdministration() {
    }

    /** Creates every topic of the list, with its partitions, cleanup policy and retention. */
    static void createTopics(Admin admin) throws Exception {
        List<NewTopic> topics = rows(TOPICS).stream().map(row -> new NewTopic(row[0], Integer.parseInt(row[1]), (short) 1)
                .configs(Map.of("cleanup.policy", row[2], "retention.ms", row[3]))).toList();
        admin.createTopics(topics).all().get(1, TimeUnit.MINUTES);
    }

    /** The ACLs of {@code service} in the list, for {@code principal}. */
    static List<AclBinding> acls(String service, String principal) {
        return rows(ACLS).stream().filter(row -> row[0].equals(service)).map(row -> new AclBinding(
                new ResourcePattern(ResourceType.valueOf(row[2].toUpperCase(Locale.ROOT)), row[4], PatternType.valueOf(row[3].toUpperCase(Locale.ROOT))),
                new AccessControlEntry(principal, "*", operation(row[1]), AclPermissionType.ALLOW))).toList();
    }

    static void grant(Admin admin, List<AclBinding> acls) throws Exception {
        admin.createAcls(acls).all().get(1, TimeUnit.MINUTES);
    }

    static void revoke(Admin admin, AclBinding acl) throws Exception {
        admin.deleteAcls(List.of(new AclBindingFilter(
                new ResourcePatternFilter(acl.pattern().resourceType(), acl.pattern().name(), acl.pattern().patternType()),
                new AccessControlEntryFilter(acl.entry().principal(), acl.entry().host(), acl.entry().operation(),
                        acl.entry().permissionType())))).all().get(1, TimeUnit.MINUTES);
    }

    private static AclOperation operation(String name) {
        // DescribeConfigs -> DESCRIBE_CONFIGS
        return AclOperation.valueOf(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }

    /** The tab-separated rows of a file, comments and blank lines left out. */
    static List<String[]> rows(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
