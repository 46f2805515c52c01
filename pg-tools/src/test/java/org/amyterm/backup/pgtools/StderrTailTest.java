package org.amyterm.backup.pgtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrTailTest {

    @Test
    void keepsTheLastBytesOfALongComplaint() {
        StderrTail tail = new StderrTail(16);
        String text = "pg_dump: error: " + "x".repeat(5000) + " connection lost";
        tail.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(tail.text()).isEqualTo(text.substring(text.length() - 16).trim());
    }

    @Test
    void keepsAShortComplaintWhole() {
        StderrTail tail = new StderrTail(1024);
        tail.append("pg_restore: ".getBytes(StandardCharsets.UTF_8), 12);
        tail.append("error: relation exists\n".getBytes(StandardCharsets.UTF_8), 23);
        assertThat(tail.text()).isEqualTo("pg_restore: error: relation exists");
    }
}
