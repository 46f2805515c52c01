package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentBackupsTest {

    @Test
    void repeatedBackupIdIsRecognisedUntilItIsPushedOut() {
        RecentBackups recent = new RecentBackups(2);
        assertThat(recent.firstTime("a")).isTrue();
        assertThat(recent.firstTime("a")).isFalse();
        recent.firstTime("b");
        recent.firstTime("c");
        assertThat(recent.firstTime("a")).as("forgotten beyond capacity").isTrue();
    }
}
