package org.amyterm.backup.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The operations ("METHOD /path") an OpenAPI document describes, and those a module's REST
 * resources implement, so a test can hold the two equal.
 */
public final class OpenApiContract {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiContract() {
    }

    /**
     * Fetches the service's OpenAPI document (JSON) and fails unless its title is {@code title} and
     * it describes exactly the operations of the resources compiled under {@code rootPackage}
     * (the module's target/classes), naming those missing on either side.
     */
    public static void verify(java.net.URI openapi, String title, String rootPackage) throws Exception {
        java.net.http.HttpResponse<String> document = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(openapi).timeout(java.time.Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (document.statusCode() != 200) {
            throw new AssertionError(openapi + " answered HTTP " + document.statusCode());
        }
        String documentTitle = new ObjectMapper().readTree(document.body()).path("info").path("title").asText();
        if (!documentTitle.equals(title)) {
            throw new AssertionError("the document's title is '" + documentTitle + "', not '" + title + "'");
        }
        Set<String> documented = documented(document.body());
        Set<String> implemented = implemented(java.nio.file.Path.of("target/classes"), rootPackage);
        if (implemented.isEmpty() || !documented.equals(implemented)) {
            Set<String> undocumented = new TreeSet<>(implemented);
            undocumented.removeAll(documented);
            Set<String> unimplemented = new TreeSet<>(documented);
            unimplemented.removeAll(implemented);
            throw new AssertionError("resources " + implemented + "; not in the document: " + undocumented
                    + "; in the document but not implemented: " + unimplemented);
        }
    }

    /** Every operation of the OpenAPI document (JSON). */
    public static Set<String> documented(String openApiJson) {
        try {
            Set<String> operations = new TreeSet<>();
            JsonNode paths = new ObjectMapper().readTree(openApiJson).path("paths");
            paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + normalise(path.getKey()));
                }
            }));
            return operations;
        } catch (IOException e) {
            throw new UncheckedIOException("not an OpenAPI document in JSON", e);
        }
    }

    /**
     * Every resource method of the concrete classes compiled into {@code classes} (the module's
     * target/classes) under the package; interfaces (REST clients) are not resources.
     */
    public static Set<String> implemented(java.nio.file.Path classes, String packageName) {
        java.nio.file.Path root = classes.resolve(packageName.replace('.', '/'));
        Set<String> operations = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(OpenApiContract::load)
                    .filter(c -> c.isAnnotationPresent(Path.class) && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers()))
                    .forEach(c -> {
                        String base = c.getAnnotation(Path.class).value();
                        for (Method method : c.getMethods()) {
                            String verb = httpMethod(method);
                            if (verb != null) {
                                Path sub = method.getAnnotation(Path.class);
                                operations.add(verb + " " + normalise(base + "/" + (sub == null ? "" : sub.value())));
                            }
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return operations;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** One leading slash, none doubled or trailing, path parameters without their regular expressions. */
    static String normalise(String path) {
        String p = ("/" + path).replaceAll("/+", "/").replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is compiled but cannot be loaded", e);
        }
    }
}
