package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.SourceServer;
import org.junit.jupiter.api.Test;

/** pg_dump's own words (as PostgreSQL 15's pg_dump prints them) become a reason and a retry decision. */
class PgDumpFailureTest {
    private static final SourceServer SERVER = new SourceServer("central", "pg.internal", 5432, "amyterm_backup",
            new SourceServer.PasswordValue(Optional.empty()), 1);

    @Test
    void eachKindOfFailureGetsItsReason() {
        assertThat(of("pg_dump: error: connection to server at \"pg.internal\" (10.0.0.5), port 5432 failed: FATAL:  "
                + "password authentication failed for user \"amyterm_backup\"")).satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.SOURCE_AUTH_FAILED);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("central", "pg_hba.conf");
                });
        assertThat(of("pg_dump: error: connection to server at \"pg.internal\" (10.0.0.5), port 5432 failed: Connection "
                + "refused\n\tIs the server running on that host and accepting TCP/IP connections?").reason())
                .isEqualTo(FailureReason.SOURCE_UNREACHABLE);
        assertThat(of("pg_dump: error: query failed: ERROR:  could not obtain lock on relation \"public.concept\"")
                .getMessage()).contains("lock-wait-timeout");
        assertThat(of("pg_dump: error: query failed: ERROR:  permission denied for table payroll").getMessage())
                .contains("pg_read_all_data");
        assertThat(of("pg_dump: error: Dumping the contents of table \"concept\" failed: PQgetResult() failed.\n"
                + "pg_dump: error: Error message from server: FATAL:  terminating connection due to administrator command")
                .isRetryable()).isTrue();
        assertThat(of("pg_dump: error: something nobody foresaw").reason()).isEqualTo(FailureReason.DUMP_FAILED);
        assertThat(PgDumpFailure.of("pg_dump", "20261128T013000Z-1a2b3c4d", "amyterm", SERVER, -1, "",
                Duration.ofHours(6)).getMessage()).contains("ran longer than amyterm.backup.dump.timeout (PT6H)");
    }

    private static StageException of(String stderr) {
        return PgDumpFailure.of("pg_dump", "20261128T013000Z-1a2b3c4d", "amyterm", SERVER, 1, stderr, Duration.ofHours(6));
    }
}
