package org.amyterm.backup.contracts.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.amyterm.backup.contracts.ObjectLayout;

/**
 * Checks an audit trail as its reader, holding the key but trusting neither the file nor the bucket:
 * every line's MAC and its link to the line before, then the trail against every authentic checkpoint
 * (a checkpoint's line must be the line found there; a checkpoint beyond the end is a lost tail).
 * It stops at the first bad line. Lines written after the newest checkpoint are authenticated but
 * could have been cut off unseen: the report says how many.
 */
public final class AuditTrailCheck {
    private final AuditKey key;
    private final String trail;

    public AuditTrailCheck(AuditKey key, String trail) {
        this.key = key;
        this.trail = AuditCheckpoint.requireTrailName(trail);
    }

    /** The verdict: {@code intact}, the lines read, and what a person should read (one finding per line). */
    public record Report(boolean intact, long lines, List<String> findings) {
        public Report {
            findings = List.copyOf(findings);
        }
    }

    /**
     * Checks the trail read from {@code trailLines} against the checkpoints, given as file name
     * (as stored: {@code <lines>.json}) to content.
     */
    public Report check(BufferedReader trailLines, Map<String, String> checkpointFiles) throws IOException {
        List<String> findings = new ArrayList<>();
        TreeMap<Long, AuditCheckpoint> checkpoints = authentic(checkpointFiles, findings);
        boolean intact = findings.isEmpty();
        long n = 0;
        String previous = AuditLine.GENESIS;
        String line;
        while ((line = trailLines.readLine()) != null) {
            n++;
            if (!AuditLine.isAuthentic(line, key)) {
                findings.add("audit trail broken at line " + n + ": its MAC does not match (the line was edited, or"
                        + (AuditLine.isSealed(line) ? " sealed with another key)" : " written unsealed)"));
                return new Report(false, n, findings);
            }
            if (!AuditLine.previous(line).orElse("").equals(previous)) {
                findings.add("audit trail broken at line " + n + ": it does not follow line " + (n - 1)
                        + " (a line was deleted, inserted or moved before it)");
                return new Report(false, n, findings);
            }
            previous = AuditLine.sha256(line);
            AuditCheckpoint there = checkpoints.get(n);
            if (there != null && !there.head().equals(previous)) {
                findings.add("audit trail differs at line " + n + " from the checkpoint of " + there.at()
                        + ", which vouches for another line there");
                return new Report(false, n, findings);
            }
        }
        Map.Entry<Long, AuditCheckpoint> newest = checkpoints.lastEntry();
        if (newest != null && newest.getKey() > n) {
            findings.add("audit trail truncated: it ends at line " + n + ", but the checkpoint of "
                    + newest.getValue().at() + " vouches for " + newest.getKey() + " lines (" + (newest.getKey() - n)
                    + " missing)");
            return new Report(false, n, findings);
        }
        if (!intact) {
            return new Report(false, n, findings);
        }
        if (newest == null) {
            findings.add("audit trail intact: " + n + " lines, each authentic; no checkpoint of trail '" + trail
                    + "' was given, so lines cut off the end would go unnoticed");
        } else {
            findings.add("audit trail intact: " + n + " lines, each authentic; " + checkpoints.size()
                    + " checkpoints match, the newest (" + newest.getValue().at() + ") vouches for line " + newest.getKey()
                    + (n > newest.getKey() ? "; the " + (n - newest.getKey()) + " lines after it await the next checkpoint" : ""));
        }
        return new Report(true, n, findings);
    }

    /** The authentic checkpoints of this trail by line count; every other file given is a finding. */
    private TreeMap<Long, AuditCheckpoint> authentic(Map<String, String> files, List<String> findings) {
        TreeMap<Long, AuditCheckpoint> found = new TreeMap<>();
        new TreeMap<>(files).forEach((name, text) -> {
            AuditCheckpoint checkpoint;
            try {
                checkpoint = AuditCheckpoint.parse(text);
            } catch (IllegalArgumentException e) {
                findings.add("checkpoint " + name + " is not a checkpoint: " + e.getMessage());
                return;
            }
            if (!checkpoint.isAuthentic(key)) {
                findings.add("checkpoint " + name + " is not authentic (forged, or sealed with another key)");
            } else if (!checkpoint.trail().equals(trail)) {
                findings.add("checkpoint " + name + " is of trail '" + checkpoint.trail() + "', not '" + trail + "'");
            } else if (!name.endsWith(ObjectLayout.auditCheckpointFileName(checkpoint.lines()))) {
                findings.add("checkpoint " + name + " vouches for " + checkpoint.lines()
                        + " lines but is stored under another name (moved)");
            } else {
                found.put(checkpoint.lines(), checkpoint);
            }
        });
        return found;
    }
}
