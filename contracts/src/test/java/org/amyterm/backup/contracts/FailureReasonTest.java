package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FailureReasonTest {

    @Test
    void codesAreUniqueAndStable() {
        assertThat(Arrays.stream(FailureReason.values()).map(FailureReason::code))
                .doesNotHaveDuplicates()
                .allMatch(code -> code.matches("AT-[A-Z]+-\\d{3}"));
        assertThat(FailureReason.SOURCE_AUTH_FAILED.code()).isEqualTo("AT-DUMP-002");
    }

    @Test
    void onlyRetryableStageFailuresAreRetried() {
        IsRetryable retryable = new IsRetryable();
        assertThat(retryable.test(failure(FailureReason.SOURCE_UNREACHABLE))).isTrue();
        assertThat(retryable.test(failure(FailureReason.SOURCE_AUTH_FAILED))).isFalse();
        assertThat(retryable.test(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void stageFailureBecomesAStageFailedEventWithItsRetryability() {
        StageFailed event = failure(FailureReason.INTEGRITY_MISMATCH).toEvent(Instant.EPOCH);
        assertThat(event.stage()).isEqualTo(Stage.STORE);
        assertThat(event.retryable()).isFalse();
        assertThat(event.message()).isEqualTo("what happened");
    }

    @Test
    void unknownCodeFromANewerProducerReadsAsUnexpected() {
        assertThat(FailureReason.fromCode("AT-FUTURE-001")).isEqualTo(FailureReason.UNEXPECTED);
    }

    private static StageException failure(FailureReason reason) {
        return new StageException(Samples.ID, "amyterm", Stage.STORE, reason, "what happened");
    }
}
