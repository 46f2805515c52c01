package org.amyterm.backup.console.database;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.amyterm.backup.console.fleet.DatabaseState;
import org.amyterm.backup.contracts.BackupSummary;

/**
 * The last 90 days of one database as an SVG drawn on the server (no script, no chart library):
 * three panels sharing a time axis, archive size, dump time and restore time with the RTO as a
 * dashed line; a failed backup is a cross, labelled, on every panel. The same facts are in the
 * backup table below it, for people who cannot see the chart.
 */
final class TrendChart {
    static final Duration WINDOW = Duration.ofDays(90);
    private static final int WIDTH = 900;
    private static final int PANEL = 150;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int GAP = 40;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT).withZone(ZoneOffset.UTC);

    private TrendChart() {
    }

    /** The chart of {@code backups} (any order) up to {@code now}; {@code rto} draws the restore panel's target line. */
    static String svg(String database, List<BackupSummary> backups, Duration rto, Instant now) {
        Instant from = now.minus(WINDOW);
        List<BackupSummary> shown = backups.stream().filter(b -> !DatabaseState.takenAt(b).isBefore(from)).toList();
        List<BackupSummary> measured = shown.stream().filter(b -> b.manifest() != null).toList();
        List<BackupSummary> restored = shown.stream().filter(b -> b.verification() != null).toList();
        List<BackupSummary> failed = shown.stream().filter(b -> b.state() == BackupSummary.State.FAILED
                || b.state() == BackupSummary.State.VERIFICATION_FAILED).toList();
        int height = TOP + 3 * PANEL + 2 * GAP + 40;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" aria-labelledby=\"chart-title chart-desc\">");
        svg.append("<title id=\"chart-title\">").append(xml(database)).append(": the last 90 days</title>");
        svg.append("<desc id=\"chart-desc\">").append(measured.size()).append(" backups with archive size and dump time, ")
                .append(restored.size()).append(" restore tests with their restore time against the RTO of ")
                .append(org.amyterm.backup.console.format.Formats.human(rto)).append(", ").append(failed.size())
                .append(" failed. The table below lists the same backups.</desc>");
        panel(svg, 0, "Archive size (MB)", measured, b -> b.manifest().archive().bytes() / 1e6, null, from, now, failed);
        panel(svg, 1, "Dump time (s)", measured, b -> seconds(b.manifest().dumpStartedAt(), b.manifest().dumpFinishedAt()),
                null, from, now, failed);
        panel(svg, 2, "Restore time (s)", restored, b -> b.verification().restoreMillis() / 1000.0,
                rto == null ? null : rto.toMillis() / 1000.0, from, now, failed);
        int axisY = TOP + 3 * PANEL + 2 * GAP + 20;
        for (int week = 0; week <= 12; week += 2) {
            Instant tick = from.plus(Duration.ofDays(week * 7L));
            svg.append("<text x=\"").append(x(tick, from, now)).append("\" y=\"").append(axisY)
                    .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#4a5560\">").append(DAY.format(tick)).append("</text>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, int index, String title, List<BackupSummary> points,
            ToDoubleFunction<BackupSummary> value, Double target, Instant from, Instant now, List<BackupSummary> failed) {
        int top = TOP + index * (PANEL + GAP);
        int bottom = top + PANEL;
        double measured = points.stream().mapToDouble(value).max().orElse(0);
        // a target far above every point (a 4 h RTO for restores of seconds) is named, not drawn to scale
        boolean targetOnScale = target != null && (measured == 0 || target <= 5 * measured);
        double highest = Math.max(measured, targetOnScale ? target : 0);
        double max = highest <= 0 ? 1 : highest * 1.1;
        svg.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 8)
                .append("\" font-size=\"14\" font-weight=\"600\" fill=\"#1b1f24\">").append(xml(title)).append("</text>");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#1b1f24\"/>");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(top).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#1b1f24\"/>");
        svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(top + 10)
                .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#4a5560\">").append(number(max)).append("</text>");
        svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(bottom)
                .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#4a5560\">0</text>");
        if (target != null && !targetOnScale) {
            svg.append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(top + 12)
                    .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#8a1020\">RTO ").append(number(target))
                    .append(" s: far above every restore</text>");
        }
        if (targetOnScale) {
            int y = y(target, max, top);
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y2=\"").append(y).append("\" stroke=\"#8a1020\" stroke-dasharray=\"6 4\"/>");
            svg.append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(y - 4)
                    .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#8a1020\">RTO ").append(number(target))
                    .append(" s</text>");
        }
        List<String> path = new ArrayList<>();
        points.stream().sorted(java.util.Comparator.comparing(DatabaseState::takenAt)).forEach(b -> {
            int px = x(DatabaseState.takenAt(b), from, now);
            int py = y(value.applyAsDouble(b), max, top);
            path.add(px + "," + py);
            svg.append("<circle cx=\"").append(px).append("\" cy=\"").append(py)
                    .append("\" r=\"3.5\" fill=\"#0b57b0\"><title>").append(xml(b.backupId())).append(": ")
                    .append(number(value.applyAsDouble(b))).append("</title></circle>");
        });
        if (path.size() > 1) {
            svg.append("<polyline fill=\"none\" stroke=\"#0b57b0\" stroke-width=\"1.5\" points=\"")
                    .append(String.join(" ", path)).append("\"/>");
        }
        for (BackupSummary failure : failed) {
            int px = x(DatabaseState.takenAt(failure), from, now);
            int py = bottom - 12;
            svg.append("<g><title>").append(xml(failure.backupId())).append(" failed</title>")
                    .append("<path d=\"M").append(px - 6).append(' ').append(py - 6).append(" L").append(px + 6).append(' ')
                    .append(py + 6).append(" M").append(px + 6).append(' ').append(py - 6).append(" L").append(px - 6)
                    .append(' ').append(py + 6).append("\" stroke=\"#8a1020\" stroke-width=\"2.5\"/>")
                    .append("<text x=\"").append(px).append("\" y=\"").append(py - 10)
                    .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#8a1020\">failed</text></g>");
        }
    }

    private static int x(Instant at, Instant from, Instant now) {
        double share = (double) Duration.between(from, at).toSeconds() / Duration.between(from, now).toSeconds();
        return (int) Math.round(LEFT + Math.max(0, Math.min(1, share)) * (WIDTH - LEFT - RIGHT));
    }

    private static int y(double value, double max, int top) {
        return (int) Math.round(top + PANEL - value / max * PANEL);
    }

    private static double seconds(Instant start, Instant end) {
        return start == null || end == null ? 0 : Duration.between(start, end).toMillis() / 1000.0;
    }

    private static String number(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
