package org.amyterm.backup.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Severity;
import org.amyterm.backup.contracts.AlertChanged.Transition;
import org.junit.jupiter.api.Test;

/** Text from events cannot forge lines, headers or Slack markup in what a person reads. */
class AlertTextTest {
    private static final String HOSTILE = "x\nSubject: pwned <!channel> & <https://evil.example|click>";

    private static AlertChanged alert() {
        return new AlertChanged("dump-failed/" + HOSTILE, HOSTILE, "dump-failed", Transition.OPENED, Severity.CRITICAL,
                "Backup dump of " + HOSTILE + " failed", 1, 1, Instant.EPOCH, Instant.EPOCH, "t", null, null, null,
                "amyterm-backup/dump-failed/x", Map.of("stage", "dump"));
    }

    @Test
    void hostileDatabaseNameStaysOnOneLineOfTheTitleAndBody() {
        String title = AlertText.title(alert());
        assertThat(title).doesNotContain("\n").doesNotContain("\r").startsWith("[CRITICAL] Amy-Term Backup: dump-failed of x?Subject");
        assertThat(AlertText.body(alert(), Optional.empty()).lines())
                .noneMatch(line -> line.startsWith("Subject:"));
    }

    @Test
    void slackMarkupInANameIsEscapedSoNobodyIsPingedOrLinked() throws Exception {
        JsonNode message = new ObjectMapper().readTree(SlackChannel.message(alert(), Optional.of(URI.create("https://b.example"))));
        String text = message.toString();
        assertThat(text).doesNotContain("<!channel>").doesNotContain("<https://evil.example")
                .contains("&lt;!channel&gt;", "&amp;");
    }
}
