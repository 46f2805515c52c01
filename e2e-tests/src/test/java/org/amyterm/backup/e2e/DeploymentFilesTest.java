package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files a platform team applies: the Kubernetes manifests the Quarkus Kubernetes
 * extension generates for each service, and the compose file with its example settings. They parse,
 * they carry what a deployment needs, and every environment variable they set is a documented
 * setting (docs/configuration.md), so none of them silently does nothing.
 */
class DeploymentFilesTest {
    private static final List<String> SERVICES = List.of("backup-service", "storage-service", "verifier-service",
            "notifier-service", "console");
    private static final Path COMPOSE = Pipeline.module("deploy").resolve("compose");

    @Test
    void everyServiceHasAManifestWithProbesLimitsAndSettingsByReference() throws IOException {
        for (String service : SERVICES) {
            Map<String, Object> container = container(service);

            assertThat((String) path(container, "image")).as(service).contains("amyterm-backup/" + service + ":");
            assertThat(path(container, "livenessProbe.httpGet.path")).as(service).isEqualTo("/q/health/live");
            assertThat(path(container, "readinessProbe.httpGet.path")).as(service).isEqualTo("/q/health/ready");
            assertThat(path(container, "resources.limits.memory")).as(service).isEqualTo("448Mi");
            assertThat(path(container, "resources.requests.memory")).as(service).isEqualTo("384Mi");
            assertThat(String.valueOf(container.get("envFrom"))).as(service)
                    .contains("name=amyterm-backup}", "name=amyterm-backup-" + service + "}");
        }
        // the spool is one volume, mounted where both services look for it
        for (String service : List.of("backup-service", "storage-service")) {
            assertThat(String.valueOf(container(service).get("volumeMounts"))).contains("mountPath=/var/spool/amyterm-backup");
            assertThat(String.valueOf(deployment(service))).contains("claimName=amyterm-backup-spool");
        }
    }

    @Test
    void everyEnvironmentVariableTheFilesSetIsADocumentedSetting() throws IOException {
        // Given the settings docs/configuration.md documents, by property and by environment variable
        Set<String> documented = documentedVariables();

        // When every variable the manifests, the compose file and its example settings set is collected
        List<String> set = new ArrayList<>();
        for (String service : SERVICES) {
            Object env = container(service).get("env");
            if (env instanceof List<?> entries) {
                entries.forEach(entry -> set.add(String.valueOf(((Map<?, ?>) entry).get("name"))));
            }
        }
        Map<String, Object> compose = yaml(COMPOSE.resolve("compose.yaml")).get(0);
        ((Map<?, ?>) compose.get("services")).values().forEach(definition -> {
            Object environment = ((Map<?, ?>) definition).get("environment");
            if (environment instanceof Map<?, ?> variables) {
                variables.keySet().forEach(name -> set.add(String.valueOf(name)));
            }
        });
        try (Stream<Path> examples = Files.list(COMPOSE)) {
            for (Path example : examples.filter(p -> p.toString().endsWith(".env.example")).toList()) {
                Files.readAllLines(example).stream().filter(line -> !line.isBlank() && !line.startsWith("#"))
                        .forEach(line -> set.add(line.substring(0, line.indexOf('='))));
            }
        }

        // Then there are some, and each is documented
        assertThat(set).hasSizeGreaterThan(20);
        assertThat(set).allSatisfy(name -> assertThat(documented).as(name + " is documented").contains(name));
    }

    @Test
    void composeFileNamesAnImageAndSettingsForEachServiceAndItsFilesExist() throws IOException {
        Map<String, Object> compose = yaml(COMPOSE.resolve("compose.yaml")).get(0);
        Map<?, ?> services = (Map<?, ?>) compose.get("services");
        assertThat(services.keySet().stream().map(String::valueOf).toList()).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (String service : SERVICES) {
            Map<?, ?> definition = (Map<?, ?>) services.get(service);
            assertThat((String) definition.get("image")).startsWith("amyterm-backup/" + service + ":");
            assertThat(String.valueOf(definition.get("env_file"))).contains("amyterm-backup.env", service + ".env");
            assertThat(COMPOSE.resolve(service + ".env.example")).exists();
            assertThat(String.valueOf(definition.get("healthcheck"))).contains("/q/health/ready");
        }
    }


    @Test
    void theConsoleIsGivenNoWayToWrite() throws IOException {
        // no Kafka ACL at all (it uses no Kafka), no secret key, and bucket credentials documented as read-only
        assertThat(Files.readAllLines(Pipeline.module("deploy").resolve("kafka/acls.tsv")))
                .noneMatch(line -> line.startsWith("console"));
        Map<?, ?> console = (Map<?, ?>) ((Map<?, ?>) yaml(COMPOSE.resolve("compose.yaml")).get(0).get("services")).get("console");
        assertThat(String.valueOf(console.get("environment"))).doesNotContain("SECRET_KEY_FILE", "SIGNING_KEY_FILE",
                "PRIVATE_KEY_FILE", "KAFKA");
        assertThat(String.valueOf(console.get("volumes"))).contains(":ro");
        String deployment = Files.readString(Pipeline.module("docs").resolve("deployment.md"));
        assertThat(deployment).contains("| console | none (it uses no Kafka) | `s3:GetObject`, `s3:ListBucket` only |");
        assertThat(String.valueOf(deployment("console"))).doesNotContain("PersistentVolumeClaim", "claimName");
    }

    /** Every back-quoted name in docs/configuration.md, as the environment variable it is or would be (SmallRye's rule). */
    private static Set<String> documentedVariables() throws IOException {
        String doc = Files.readString(Pipeline.module("docs").resolve("configuration.md"));
        Set<String> names = new HashSet<>();
        Matcher quoted = Pattern.compile("`([A-Za-z][A-Za-z0-9_.-]*)`").matcher(doc);
        while (quoted.find()) {
            String token = quoted.group(1);
            names.add(token.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
        return names;
    }

    private static Map<String, Object> container(String service) throws IOException {
        return ((List<Map<String, Object>>) path(deployment(service), "spec.template.spec.containers")).get(0);
    }

    private static Map<String, Object> deployment(String service) throws IOException {
        Path manifest = Pipeline.module(service).resolve("target/kubernetes/kubernetes.yml");
        assertThat(manifest).as("generated by mvn package").exists();
        return yaml(manifest).stream().filter(doc -> "Deployment".equals(doc.get("kind"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> node, String path) {
        Object current = node;
        for (String step : path.split("\\.")) {
            current = current instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(step) : null;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            new Yaml(new LoaderOptions()).loadAll(reader).forEach(doc -> {
                if (doc != null) {
                    documents.add((Map<String, Object>) doc);
                }
            });
        }
        return documents;
    }
}
