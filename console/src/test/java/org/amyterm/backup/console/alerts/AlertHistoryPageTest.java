package org.amyterm.backup.console.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The alerts page reads how each alert went from the history its record carries, as the notifier answers it. */
class AlertHistoryPageTest {

    @Test
    void aClosedAlertKeepsItsEarlierChangesOldestFirstWithWhoActed() throws Exception {
        // Given an alert the notifier reports resolved by bob, opened and acknowledged by alice before
        AlertsResource.Alert resolved = AlertsResource.Alert.of(new ObjectMapper().readTree("""
                {"alertId":"dump-failed/amyterm","database":"amyterm","severity":"critical","transition":"resolved",
                 "summary":"RESOLVED by bob: credentials rotated","count":2,"openedAt":"2026-12-07T08:00:00Z",
                 "changedAt":"2026-12-07T09:00:00Z","resolvedBy":{"by":"bob","why":"credentials rotated","at":"2026-12-07T09:00:00Z"},
                 "history":[
                   {"transition":"opened","severity":"critical","at":"2026-12-07T08:00:00Z","summary":"the dump failed"},
                   {"transition":"updated","severity":"critical","at":"2026-12-07T08:10:00Z","summary":"ACKNOWLEDGED by alice: looking","by":"alice"}]}
                """));

        // Then the page has its history, oldest first, with who acted; a record from before histories has none
        assertThat(resolved.resolvedBy()).isEqualTo("by bob: credentials rotated");
        assertThat(resolved.history()).extracting(AlertsResource.Step::transition).containsExactly("opened", "updated");
        assertThat(resolved.history().get(0).by()).isNull();
        assertThat(resolved.history().get(1).by()).isEqualTo("alice");
        assertThat(AlertsResource.Alert.of(new ObjectMapper().readTree("{\"alertId\":\"x\"}")).history()).isEmpty();
    }
}
