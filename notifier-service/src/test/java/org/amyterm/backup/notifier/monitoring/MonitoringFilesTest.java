package org.amyterm.backup.notifier.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules and the Grafana dashboard in deploy/ are what promtool accepts, the rules do
 * what their unit tests say, and every metric they use is documented in docs/metrics.md.
 */
class MonitoringFilesTest {
    private static final Path ROOT = TestDirs.repositoryRoot();
    private static final Path RULES = ROOT.resolve("deploy/prometheus/amyterm-backup-rules.yml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/amyterm-backup.json");
    private static final Pattern METRIC = Pattern.compile("\\b(amyterm_[a-z_]+)");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS: 13 rules found");
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        assertThat(promtool("test", "rules", RULES.resolveSibling("amyterm-backup-rules.test.yml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryIsPromqlThatPromtoolAccepts() throws Exception {
        // Given each panel's query, with Grafana's variables as Prometheus would get them
        List<String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(12);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            String expr = expressions.get(i).replace("$database", ".*").replace("$__rate_interval", "5m")
                    .replace("$__range", "1h");
            rules.append("      - record: dashboard:query_").append(i).append("\n        expr: '")
                    .append(expr.replace("'", "''")).append("'\n");
        }
        Path file = TestDirs.server("dashboard-queries").resolve("queries.yml");
        Files.writeString(file, rules);

        // Then promtool parses every one
        assertThat(promtool("check", "rules", file.toString())).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    void everyMetricTheRulesAndDashboardUseIsDocumented() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String text : List.of(Files.readString(RULES), String.join("\n", dashboardExpressions()))) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                used.add(m.group(1).replaceAll("_(sum|count|max|bucket)$", ""));
            }
        }
        String docs = Files.readString(ROOT.resolve("docs/metrics.md"));
        assertThat(used).isNotEmpty().allSatisfy(metric -> assertThat(docs).contains("`" + metric));
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));
        return expressions;
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is not installed: deploy/install-prerequisites installs it", e);
        }
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
