package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** pg_restore's errors keep what failed and where, not the rows (as PostgreSQL 15's pg_restore prints them). */
class PgRestoreErrorsTest {

    @Test
    void aDuplicateKeyKeepsTheConstraintAndLosesTheValue() {
        String stderr = """
                pg_restore: while PROCESSING TOC:
                pg_restore: from TOC entry 3337; 2606 16422 CONSTRAINT users users_email_key owner
                pg_restore: error: could not execute query: ERROR:  could not create unique index "users_email_key"
                DETAIL:  Key (email)=(alice@example.org) is duplicated.
                Command was: ALTER TABLE ONLY public.users
                    ADD CONSTRAINT users_email_key UNIQUE (email);
                """;
        String reduced = PgRestoreErrors.reduce(stderr);
        assertThat(reduced).contains("CONSTRAINT users users_email_key", "could not create unique index \"users_email_key\"")
                .doesNotContain("alice", "example.org", "DETAIL", "Command was");
    }

    @Test
    void aRejectedValueAndALiteralInTheErrorLineItselfAreReplaced() {
        String stderr = """
                pg_restore: error: COPY failed for table "patients": ERROR:  invalid input syntax for type integer: "four-two"
                CONTEXT:  COPY patients, line 7, column age: "four-two"
                pg_restore: error: could not execute query: ERROR:  Key (ssn)=(123-45-6789) conflicts, value 'secret note'
                """;
        String reduced = PgRestoreErrors.reduce(stderr);
        assertThat(reduced).contains("COPY failed for table \"patients\"", "for type integer: \"…\"", "(ssn)=(…)", "'…'")
                .doesNotContain("four-two", "123-45-6789", "secret note", "CONTEXT");
    }

    @Test
    void warningsAreKeptWithoutTheirDetailAndOtherLinesAreNot() {
        String stderr = """
                pg_restore: warning: errors ignored on restore: 1
                pg_restore: creating TABLE "public.notes"
                pg_restore: warning: could not set default value 'Dr. Alice Example' for column
                DETAIL:  the value was (alice)
                """;
        assertThat(PgRestoreErrors.warnings(stderr)).containsExactly("pg_restore: warning: errors ignored on restore: 1",
                "pg_restore: warning: could not set default value '…' for column");
        assertThat(PgRestoreErrors.warnings("pg_restore: creating TABLE \"public.notes\"\n")).isEmpty();
    }

    @Test
    void valuesInMessagesTheReducerNeverSawAreDroppedToo() {
        // Given errors whose values PostgreSQL quotes in ways no deny-list named
        String stderr = """
                pg_restore: error: COPY failed for table "events": ERROR:  malformed array literal: "{secret,list}"
                pg_restore: error: COPY failed for table "notes": ERROR:  invalid byte sequence for encoding "UTF8": 0xc3 0x28
                pg_restore: error: could not execute query: ERROR:  relation "public.audit" does not exist
                """;

        // Then what failed and on which object stays, and every value goes
        String reduced = PgRestoreErrors.reduce(stderr);
        assertThat(reduced).contains("table \"events\"", "malformed array literal: \"…\"", "table \"notes\"",
                "0x… 0x…", "relation \"public.audit\" does not exist")
                .doesNotContain("secret", "c3", "0x28");
    }

    @Test
    void aLostConnectionIsToldFromAnArchiveThatFails() {
        assertThat(PgRestoreErrors.lostConnection("""
                pg_restore: error: error returned by PQputCopyData: server closed the connection unexpectedly
                	This probably means the server terminated abnormally
                """)).isTrue();
        assertThat(PgRestoreErrors.lostConnection(
                "pg_restore: error: could not execute query: FATAL:  terminating connection due to administrator command"))
                .isTrue();
        assertThat(PgRestoreErrors.lostConnection(
                "pg_restore: error: could not execute query: ERROR:  relation \"public.audit\" does not exist")).isFalse();
    }
}
