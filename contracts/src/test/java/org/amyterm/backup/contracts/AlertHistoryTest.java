package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An alert's record carries how it went: its opening and its latest changes, bounded, and read back from JSON. */
class AlertHistoryTest {

    @Test
    void aChangeAddsItselfToTheHistoryTheNextCarriesKeepingTheOpeningAndTheLatest() {
        // Given an alert changed many more times than a record keeps
        AlertChanged change = alert(AlertChanged.Transition.OPENED, 1, List.of(), null);
        for (int revision = 2; revision <= 40; revision++) {
            change = alert(AlertChanged.Transition.UPDATED, revision, change.historyThen(), null);
        }

        // When the next change is made
        List<AlertChanged.Step> history = change.historyThen();

        // Then it keeps the opening and the latest changes, oldest first, the newest being the one before
        assertThat(history).hasSize(AlertChanged.HISTORY_KEPT + 1);
        assertThat(history.get(0).transition()).isEqualTo(AlertChanged.Transition.OPENED);
        assertThat(history.get(1).summary()).isEqualTo("change 21");
        assertThat(history.get(history.size() - 1).summary()).isEqualTo("change 40");
    }

    @Test
    void whoActedIsKeptWithTheStepAndAnOldRecordReadsWithAnEmptyHistory() {
        Instant at = Instant.parse("2026-12-07T09:00:00Z");
        AlertChanged acknowledged = alert(AlertChanged.Transition.UPDATED, 2, List.of(),
                new AlertChanged.OperatorAction("alice", "looking", at));

        AlertChanged next = alert(AlertChanged.Transition.RESOLVED, 3, acknowledged.historyThen(), null);

        assertThat(EventJson.read(EventJson.write(next), AlertChanged.class).history()).singleElement()
                .satisfies(step -> assertThat(step.by()).isEqualTo("alice"));
        String old = EventJson.write(next).replaceAll(",\"history\":\\[[^]]*]", "");
        assertThat(old).doesNotContain("history");
        assertThat(EventJson.read(old, AlertChanged.class).history()).isEmpty();
    }

    private static AlertChanged alert(AlertChanged.Transition transition, int revision, List<AlertChanged.Step> history,
            AlertChanged.OperatorAction acknowledged) {
        Instant at = acknowledged != null ? acknowledged.at() : Instant.parse("2026-12-07T08:00:00Z").plusSeconds(revision);
        return new AlertChanged("dump-failed/amyterm", "amyterm", "dump-failed", transition, AlertChanged.Severity.CRITICAL,
                "change " + revision, revision, revision, Instant.parse("2026-12-07T08:00:00Z"), at, null, null, null, null,
                "amyterm-backup/dump-failed/amyterm", Map.of(), acknowledged, null, new ArrayList<>(history));
    }
}
