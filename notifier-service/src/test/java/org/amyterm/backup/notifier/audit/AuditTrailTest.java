package org.amyterm.backup.notifier.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;

/** Every backup.* event is a chained line; the documented check finds a deleted or edited line. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class AuditTrailTest {

    @Test
    void deletedOrEditedLineIsDetectedByTheDocumentedCheck() throws Exception {
        // Given events of several kinds went by
        String database = "audited_" + UUID.randomUUID().toString().substring(0, 8);
        StageFailed failed = Events.dumpFailed(database);
        Topics.publish(failed);
        Topics.publish(Events.stored(database));
        Topics.publish(Events.verified(database, true, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(NotifierResource.audit)
                && Files.readAllLines(NotifierResource.audit).stream().filter(l -> l.contains(database)).count() >= 5);
        List<String> lines = Files.readAllLines(NotifierResource.audit);
        // each is a CloudEvent in the JSON format, the event as its data
        String failure = lines.stream().filter(l -> l.contains(failed.backupId()) && l.contains(StageFailed.TYPE))
                .findFirst().orElseThrow();
        assertThat(Received.json(failure).path("specversion").asText()).isEqualTo("1.0");
        assertThat(Received.json(failure).path("type").asText()).isEqualTo(StageFailed.TYPE);
        assertThat(Received.json(failure).path("data").path("backupId").asText()).isEqualTo(failed.backupId());

        // Then the documented check passes on the file as written
        Path dir = TestDirs.server("audit-check-" + UUID.randomUUID());
        Files.write(dir.resolve("audit.jsonl"), lines);
        assertThat(check(dir)).contains("audit trail intact: " + lines.size() + " lines");

        // and fails on one with this test's first line deleted, naming where
        int first = lines.indexOf(lines.stream().filter(l -> l.contains(database)).findFirst().orElseThrow());
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(first);
        Files.write(dir.resolve("audit.jsonl"), deleted);
        assertThat(check(dir)).contains("audit trail broken at line " + (first + 1));

        // and on one with that line edited
        List<String> edited = new ArrayList<>(lines);
        edited.set(first, edited.get(first).replace(database, database.toUpperCase()));
        Files.write(dir.resolve("audit.jsonl"), edited);
        assertThat(check(dir)).contains("audit trail broken at line " + (first + 2));
    }

    /** Runs the check exactly as docs/events.md gives it. */
    private static String check(Path dir) throws Exception {
        List<String> doc = Files.readAllLines(TestDirs.repositoryRoot().resolve("docs/events.md"));
        int marker = doc.indexOf("<!-- audit-check -->");
        assertThat(marker).as("docs/events.md holds the audit check").isPositive();
        String command = doc.get(marker + 2);
        Process process = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }
}
