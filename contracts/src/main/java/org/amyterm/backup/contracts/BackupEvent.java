package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An event of the backup pipeline. The database is the CloudEvents subject and the Kafka key,
 * so all events of one database land on one partition and stay in order.
 */
public interface BackupEvent {

    String database();

    /** The CloudEvents {@code type} attribute; each record also exposes it as {@code TYPE}. */
    @JsonIgnore
    String cloudEventType();

    /** The topic the event is published on. */
    @JsonIgnore
    String topic();

    @JsonIgnore
    default String subject() {
        return database();
    }

    @JsonIgnore
    default String kafkaKey() {
        return database();
    }
}
