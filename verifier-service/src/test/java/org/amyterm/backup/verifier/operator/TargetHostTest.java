package org.amyterm.backup.verifier.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetHostTest {

    @Test
    void namesAndAddressesAreHosts() {
        assertThat(TargetHost.parse("db-1.prod.example.org")).contains("db-1.prod.example.org");
        assertThat(TargetHost.parse("127.0.0.1")).contains("127.0.0.1");
        assertThat(TargetHost.parse("localhost")).contains("localhost");
        assertThat(TargetHost.parse("[::1]")).contains("::1");
        assertThat(TargetHost.parse("fd00::5")).contains("fd00::5");
        assertThat(TargetHost.inUrl("fd00::5")).isEqualTo("[fd00::5]");
        assertThat(TargetHost.inUrl("db.example")).isEqualTo("db.example");
    }

    @Test
    void anythingThatWouldAddToTheUrlOrCommandLineIsNoHost() {
        for (String hostile : new String[] {"db.example/other", "db.example?socketFactory=x", "db.example:5433",
                "db.example&sslmode=disable", "-h evil", "host=evil", "db example", "", "[db.example]", "[::1]x",
                "a..b", "-db.example", "x".repeat(254)}) {
            assertThat(TargetHost.parse(hostile)).as(hostile).isEmpty();
        }
    }
}
