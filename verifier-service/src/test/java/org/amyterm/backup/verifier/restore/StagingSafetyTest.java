package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up refusal of a staging server that is a source server. */
class StagingSafetyTest {

    @Test
    void aStagingServerHoldingABackedUpDatabaseIsRefusedNamingItAndTheWayOut() {
        assertThatThrownBy(() -> StagingSafety.require(List.of("postgres", "amyterm", "other"), List.of("amyterm", "north"),
                false, "pg-central:5432"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pg-central:5432 holds [amyterm]")
                .hasMessageContaining("amyterm.verifier.staging.allow-source-server=true");
    }

    @Test
    void aServerOfItsOwnOrAnAllowedSourceServerIsAccepted() {
        assertThatCode(() -> StagingSafety.require(List.of("postgres", "amyterm_verify_x"), List.of("amyterm"), false,
                "staging:5432")).doesNotThrowAnyException();
        assertThatCode(() -> StagingSafety.require(List.of("postgres", "amyterm"), List.of("amyterm"), true,
                "localhost:5432")).doesNotThrowAnyException();
    }
}
