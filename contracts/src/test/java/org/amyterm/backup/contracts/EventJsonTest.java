package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

    static Stream<BackupEvent> events() {
        return Samples.everyEvent().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventSurvivesAJsonRoundTrip(BackupEvent event) {
        // When the event is written and read back
        BackupEvent read = EventJson.read(EventJson.write(event), event.getClass());

        // Then it is equal, and its subject and Kafka key are the database
        assertThat(read).isEqualTo(event);
        assertThat(read.subject()).isEqualTo("amyterm");
        assertThat(read.kafkaKey()).isEqualTo("amyterm");
    }

    @Test
    void scheduleDeclarationIsKeyedByItsServiceAndRefusesAHostileDatabaseName() {
        ScheduleDeclared declared = new ScheduleDeclared("backup-service", List.of("amyterm", "regional_1"),
                java.time.Instant.parse("2026-12-06T10:00:00Z"));
        ScheduleDeclared read = EventJson.read(EventJson.write(declared), ScheduleDeclared.class);
        assertThat(read).isEqualTo(declared);
        assertThat(EventJson.write(declared)).doesNotContain("\"database\"");
        assertThat(read.kafkaKey()).isEqualTo("backup-service");
        assertThat(read.topic()).isEqualTo(Topics.SCHEDULES);
        assertThatThrownBy(() -> EventJson.read(EventJson.write(declared).replace("regional_1", "../x"),
                ScheduleDeclared.class)).isInstanceOf(MalformedEventException.class);
    }

    @ParameterizedTest
    @MethodSource("events")
    void eventFromANewerProducerWithUnknownFieldsIsStillRead(BackupEvent event) throws Exception {
        // Given the JSON of a newer producer, with fields this version does not know
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(EventJson.write(event));
        json.put("addedInVersion2", "something new");
        json.putObject("nested").put("x", 1);

        // When an older consumer reads it
        BackupEvent read = EventJson.read(json.toString(), event.getClass());

        // Then it gets the event it knows
        assertThat(read).isEqualTo(event);
    }

    @Test
    void derivedAttributesAreNotWrittenAsFields() {
        String json = EventJson.write(Samples.everyEvent().get(0));
        assertThat(json).doesNotContain("cloudEventType", "kafkaKey", "\"topic\"", "\"subject\"");
    }

    @Test
    void everyEventHasItsOwnTypeAndTopic() {
        List<BackupEvent> events = Samples.everyEvent();
        Set<String> types = new HashSet<>();
        Set<String> topics = new HashSet<>();
        events.forEach(e -> {
            types.add(e.cloudEventType());
            topics.add(e.topic());
        });
        assertThat(types).hasSize(events.size()).allMatch(t -> t.startsWith("org.amyterm.backup.") && t.endsWith(".v1"));
        assertThat(topics).hasSize(events.size()).allMatch(t -> t.startsWith("backup."));
    }

    @Test
    void payloadThatIsNotJsonIsAMalformedEvent() {
        assertThatThrownBy(() -> EventJson.read("not json {", BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("not a valid BackupRequested");
    }

    @Test
    void eventWithoutItsDatabaseIsAMalformedEventNamingTheField() {
        String json = EventJson.write(Samples.everyEvent().get(0)).replace("\"database\":\"amyterm\"", "\"database\":\"\"");
        assertThatThrownBy(() -> EventJson.read(json, BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("database is required");
    }

    @Test
    void emptyPayloadIsAMalformedEvent() {
        assertThatThrownBy(() -> EventJson.read((String) null, StageFailed.class)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void reasonsAndStagesAreWrittenAsTheirStableCodes() {
        String json = EventJson.write(Samples.everyEvent().stream().filter(e -> e instanceof StageFailed).findFirst()
                .orElseThrow());
        assertThat(json).contains("\"stage\":\"dump\"", "\"reason\":\"AT-DUMP-001\"", "\"retryable\":true");
        assertThat(EventJson.write(Samples.everyEvent().get(0))).contains("\"reason\":\"pre-federation-release\"");
    }

    @Test
    void eventsOnTheWireAreCompactAndDocumentsForPeopleIndented() {
        BackupEvent event = Samples.everyEvent().get(0);
        assertThat(EventJson.write(event)).doesNotContain("\n", " : ");
        assertThat(EventJson.writeForPeople(event)).contains("\n", "\"database\" : \"amyterm\"");
        assertThat(EventJson.read(EventJson.writeForPeople(event), BackupRequested.class)).isEqualTo(event);
    }
}
