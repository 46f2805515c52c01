package org.amyterm.backup.notifier.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.audit.AuditCheckpoint;
import org.amyterm.backup.contracts.audit.AuditKey;
import org.amyterm.backup.contracts.audit.AuditLine;
import org.amyterm.backup.contracts.audit.AuditTrailCheck;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * Every backup.* event is a chained line sealed with the audit key; the documented check finds a
 * deleted or edited line; checkpoints in the bucket vouch for the line count, so a cut tail is found.
 */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class AuditTrailTest {
    @Inject
    AuditTrail trail;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Test
    void linesAreSealedAndACheckpointInTheBucketRevealsACutTail() throws Exception {
        // Given events went by and the trail wrote its checkpoint to the bucket
        String database = "sealed_" + UUID.randomUUID().toString().substring(0, 8);
        Topics.publish(Events.dumpFailed(database));
        Topics.publish(Events.stored(database));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(NotifierResource.audit)
                && Files.readAllLines(NotifierResource.audit).stream().filter(l -> l.contains(database)).count() >= 2);
        long before = Files.readAllLines(NotifierResource.audit).size();
        trail.checkpoint();
        List<String> lines = Files.readAllLines(NotifierResource.audit);
        AuditKey key = AuditKey.fromFile(NotifierResource.auditKey);
        assertThat(lines).allMatch(line -> AuditLine.isAuthentic(line, key));
        String prefix = layout.auditCheckpointsPrefix(NotifierResource.AUDIT_TRAIL);
        Map<String, String> checkpoints = new HashMap<>();
        for (String stored : store.list(prefix)) {
            checkpoints.put(stored.substring(prefix.length()), store.getText(stored).orElseThrow());
        }
        assertThat(checkpoints).isNotEmpty();
        AuditCheckpoint newest = AuditCheckpoint.parse(checkpoints.get(checkpoints.keySet().stream().max(String::compareTo).orElseThrow()));
        assertThat(newest.isAuthentic(key)).isTrue();
        // (it vouches for every line written before it was asked for; more may have come since)
        assertThat(newest.lines()).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(lines.size());

        // When the trail is read as written, it is intact and the checkpoint matches
        AuditTrailCheck check = new AuditTrailCheck(key, NotifierResource.AUDIT_TRAIL);
        AuditTrailCheck.Report intact = check.check(new BufferedReader(new StringReader(String.join("\n", lines))), checkpoints);
        assertThat(intact.intact()).as(intact.findings().toString()).isTrue();
        assertThat(intact.findings().get(0)).contains("checkpoints match");

        // Then a copy cut before the checkpoint's last line is caught, naming what is missing
        List<String> cut = lines.subList(0, (int) newest.lines() - 1);
        AuditTrailCheck.Report truncated = check.check(new BufferedReader(new StringReader(String.join("\n", cut))), checkpoints);
        assertThat(truncated.intact()).isFalse();
        assertThat(truncated.findings()).anyMatch(f -> f.contains("audit trail truncated: it ends at line " + cut.size()));
    }

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
