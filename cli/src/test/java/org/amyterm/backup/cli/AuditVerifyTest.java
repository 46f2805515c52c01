package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.audit.AuditCheckpoint;
import org.amyterm.backup.contracts.audit.AuditLine;
import org.amyterm.backup.contracts.audit.AuditKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify} catches what a file editor or a bucket writer without the key can do to the
 * trail: an edited line, a trail re-chained and re-sealed with another key, a deleted line, a cut
 * tail, a forged checkpoint; and passes the trail as written (each test's positive twin).
 */
class AuditVerifyTest {
    @TempDir
    Path dir;
    private Path keyFile;
    private Path trail;
    private Path checkpoints;
    private List<String> lines;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void givenATrailOfTenLinesWithCheckpointsAtFourAndTen() throws Exception {
        keyFile = dir.resolve("audit.key");
        Files.writeString(keyFile, "k".repeat(20) + "0123456789abcdefghijklmnop\n");
        AuditKey key = AuditKey.fromFile(keyFile);
        lines = chain(key, 10, 0);
        trail = dir.resolve("audit.jsonl");
        Files.write(trail, lines);
        checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        checkpoint(key, 4);
        checkpoint(key, 10);
    }

    @Test
    void trailAsWrittenIsIntact() {
        assertThat(verify()).isEqualTo(ExitCode.OK);
        assertThat(out.toString()).contains("audit trail intact: 10 lines", "2 checkpoints match");
    }

    @Test
    void editedLineIsNamed() throws Exception {
        List<String> edited = new ArrayList<>(lines);
        edited.set(5, edited.get(5).replace("\"passed\":true", "\"passed\":false"));
        assertThat(edited.get(5)).isNotEqualTo(lines.get(5));
        Files.write(trail, edited);

        assertThat(verify()).isEqualTo(ExitCode.FAILED);
        assertThat(out.toString()).contains("audit trail broken at line 6: its MAC does not match (the line was edited");
    }

    @Test
    void trailReChainedAndResealedWithAnotherKeyIsCaughtAtTheFirstChangedLine() throws Exception {
        // the editor rewrites everything from line 3 on, chain and seals correct, but with a key of their own
        AuditKey theirs = AuditKey.fromFile(Files.writeString(dir.resolve("their.key"), "t".repeat(40)));
        List<String> rechained = new ArrayList<>(lines.subList(0, 2));
        rechained.addAll(chain(theirs, 8, 2, AuditLine.sha256(lines.get(1))));
        Files.write(trail, rechained);

        assertThat(verify()).isEqualTo(ExitCode.FAILED);
        assertThat(out.toString()).contains("audit trail broken at line 3: its MAC does not match", "another key");
    }

    @Test
    void deletedLineBreaksTheChainAtTheNextOne() throws Exception {
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(6);
        Files.write(trail, deleted);

        assertThat(verify()).isEqualTo(ExitCode.FAILED);
        assertThat(out.toString()).contains("audit trail broken at line 7: it does not follow line 6");
    }

    @Test
    void truncatedTailIsCaughtByTheCheckpoint() throws Exception {
        Files.write(trail, lines.subList(0, 7));

        assertThat(verify()).isEqualTo(ExitCode.FAILED);
        assertThat(out.toString()).contains("audit trail truncated: it ends at line 7", "vouches for 10 lines (3 missing)");

        // without the checkpoints, nothing could tell: the command says so rather than claim more
        out.getBuffer().setLength(0);
        assertThat(AmytermBackup.run(new String[] {"audit", "verify", trail.toString(), "--key-file", keyFile.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true))).isEqualTo(ExitCode.OK);
        assertThat(out.toString()).contains("intact: 7 lines", "no checkpoint", "would go unnoticed");
    }

    @Test
    void forgedCheckpointIsNotBelieved() throws Exception {
        AuditKey theirs = AuditKey.fromFile(Files.writeString(dir.resolve("their.key"), "t".repeat(40)));
        Files.writeString(checkpoints.resolve(ObjectLayout.auditCheckpointFileName(3)),
                AuditCheckpoint.sealed("notifier", 3, "f".repeat(64), Instant.now(), theirs).toJson());

        assertThat(verify()).isEqualTo(ExitCode.FAILED);
        assertThat(out.toString()).contains("checkpoint 000000000003.json is not authentic");
    }

    @Test
    void shortKeyIsAUsageError() throws Exception {
        Files.writeString(keyFile, "short");
        assertThat(verify()).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("needs at least 32");
    }

    private int verify() {
        return AmytermBackup.run(new String[] {"audit", "verify", trail.toString(), "--key-file", keyFile.toString(),
                "--checkpoints", checkpoints.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private void checkpoint(AuditKey key, int at) throws Exception {
        Files.writeString(checkpoints.resolve(ObjectLayout.auditCheckpointFileName(at)),
                AuditCheckpoint.sealed("notifier", at, AuditLine.sha256(lines.get(at - 1)), Instant.now(), key).toJson());
    }

    private static List<String> chain(AuditKey key, int count, int from) {
        return chain(key, count, from, AuditLine.GENESIS);
    }

    /** Lines shaped as the notifier writes them: prevsha256 before the event, linemac last. */
    private static List<String> chain(AuditKey key, int count, int from, String previous) {
        List<String> chain = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String line = AuditLine.seal("{\"specversion\":\"1.0\",\"id\":\"e" + i + "\",\"prevsha256\":\"" + previous
                    + "\",\"data\":{\"database\":\"amyterm\",\"passed\":true,\"n\":" + i + "}}", key);
            chain.add(line);
            previous = AuditLine.sha256(line);
        }
        return chain;
    }
}
