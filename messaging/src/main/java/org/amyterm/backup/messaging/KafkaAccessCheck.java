package org.amyterm.backup.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/**
 * At start-up, asks the broker which rights this service has on the topics and groups it declares
 * ({@link KafkaAccess}) and refuses to start without them, naming each missing ACL: a service that
 * starts without a right fails only later, on the first backup that needs it, in a log nobody
 * reads. A broker that cannot be reached is not a refusal: the service starts and rides it out.
 */
@ApplicationScoped
public class KafkaAccessCheck {
    private static final Logger LOG = Logger.getLogger(KafkaAccessCheck.class);

    private final Map<String, Object> kafka;
    private final KafkaAccess access;

    public KafkaAccessCheck(@Identifier("default-kafka-broker") Map<String, Object> kafka, KafkaAccess access) {
        this.kafka = kafka;
        this.access = access;
    }

    void onStart(@Observes StartupEvent start) {
        if (!access.check()) {
            return;
        }
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "access-check");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) access.timeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) access.timeout().toMillis());
        try (Admin admin = Admin.create(config)) {
            List<String> missing = new ArrayList<>();
            missing.addAll(topicRights(admin));
            missing.addAll(groupRights(admin));
            if (!missing.isEmpty()) {
                throw new MissingKafkaRightsException(missing);
            }
            LOG.infof("Kafka rights checked: read %s, write %s, groups %s", list(access.read()), list(access.write()),
                    list(access.groups()));
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warnf("could not check this service's Kafka rights within %s (is the broker reachable?); starting anyway",
                    access.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> topicRights(Admin admin) throws InterruptedException, TimeoutException {
        Map<String, AclOperation> needed = new java.util.LinkedHashMap<>();
        list(access.read()).forEach(topic -> needed.put(topic, AclOperation.READ));
        list(access.write()).forEach(topic -> needed.merge(topic, AclOperation.WRITE,
                (a, b) -> a == b ? a : AclOperation.ALL));
        List<String> missing = new ArrayList<>();
        var described = admin.describeTopics(needed.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        for (Map.Entry<String, AclOperation> topic : needed.entrySet()) {
            try {
                TopicDescription description = described.get(topic.getKey()).get(access.timeout().toMillis(), TimeUnit.MILLISECONDS);
                Set<AclOperation> granted = description.authorizedOperations();
                for (AclOperation op : ops(topic.getValue())) {
                    if (granted != null && !granted.contains(op) && !granted.contains(AclOperation.ALL)) {
                        missing.add(op.name().charAt(0) + op.name().substring(1).toLowerCase() + " on topic " + topic.getKey());
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    ops(topic.getValue()).forEach(op -> missing.add(op.name().charAt(0) + op.name().substring(1).toLowerCase()
                            + " on topic " + topic.getKey()));
                } else if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    LOG.debugf("topic %s does not exist yet; it is created on first use if the broker allows it", topic.getKey());
                } else {
                    throw unreachable(e);
                }
            }
        }
        return missing;
    }

    private List<String> groupRights(Admin admin) throws InterruptedException, TimeoutException {
        List<String> missing = new ArrayList<>();
        List<String> groups = list(access.groups());
        if (groups.isEmpty()) {
            return missing;
        }
        var described = admin.describeConsumerGroups(groups, new DescribeConsumerGroupsOptions()
                .includeAuthorizedOperations(true)).describedGroups();
        for (String group : groups) {
            try {
                ConsumerGroupDescription description = described.get(group).get(access.timeout().toMillis(), TimeUnit.MILLISECONDS);
                Set<AclOperation> granted = description.authorizedOperations();
                if (granted != null && !granted.contains(AclOperation.READ) && !granted.contains(AclOperation.ALL)) {
                    missing.add("Read on group " + group);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupAuthorizationException) {
                    missing.add("Read on group " + group);
                } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw unreachable(e);
                }
            }
        }
        return missing;
    }

    private static List<AclOperation> ops(AclOperation op) {
        return op == AclOperation.ALL ? List.of(AclOperation.READ, AclOperation.WRITE) : List.of(op);
    }

    /** A failure that is not an answer about rights: a bad login is a refusal too, anything else a fault to ride out. */
    private static RuntimeException unreachable(ExecutionException e) {
        if (e.getCause() instanceof SaslAuthenticationException login) {
            return new MissingKafkaRightsException(List.of("a login: " + login.getMessage()));
        }
        return new org.apache.kafka.common.errors.TimeoutException("the broker did not answer: " + e.getCause());
    }

    private static List<String> list(java.util.Optional<List<String>> values) {
        return values.orElse(List.of());
    }

    /** Thrown at start-up: the service stops, saying which ACLs to add. */
    public static final class MissingKafkaRightsException extends RuntimeException {
        MissingKafkaRightsException(List<String> missing) {
            super("this service lacks Kafka rights it needs: " + String.join(", ", missing)
                    + ". Grant them to its principal (the list per service: docs/deployment.md#kafka), then start it again");
        }
    }
}
