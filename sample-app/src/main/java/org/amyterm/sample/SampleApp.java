package org.amyterm.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * A small Amy-Term: the read side of the terminology server over the sample schema, enough for
 * the procedure's section 6 smoke checks on a restored database. {@code /codesystems},
 * {@code /valuesets}, {@code /fhir/metadata} (a FHIR CapabilityStatement naming the schema version)
 * and {@code /atc/browser?search=…}; {@code /health} once the database answers. The database comes
 * from the libpq environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), the port from
 * {@code PORT}; nothing secret on its command line.
 */
public final class SampleApp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FHIR_JSON = "application/fhir+json";

    private final Map<String, String> env;

    private SampleApp(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        SampleApp app = new SampleApp(env);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(env.getOrDefault("PORT", "8090"))), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/health", exchange -> app.answer(exchange, "application/json",
                c -> Map.of("status", "UP", "database", c.getCatalog())));
        server.createContext("/codesystems", exchange -> app.answer(exchange, "application/json", app::codeSystems));
        server.createContext("/valuesets", exchange -> app.answer(exchange, "application/json", app::valueSets));
        server.createContext("/fhir/metadata", exchange -> app.answer(exchange, FHIR_JSON, app::capabilityStatement));
        server.createContext("/atc/browser", exchange -> app.answer(exchange, "application/json",
                c -> app.atcSearch(c, query(exchange, "search"))));
        server.start();
        System.out.println("amyterm sample app listening on 127.0.0.1:" + server.getAddress().getPort());
    }

    private List<Map<String, Object>> codeSystems(Connection c) throws SQLException {
        return rows(c, "SELECT cs.url, cs.name, cs.version, (SELECT count(*) FROM concept WHERE concept.code_system_id = cs.id) "
                + "AS concepts FROM code_system cs ORDER BY cs.url");
    }

    private List<Map<String, Object>> valueSets(Connection c) throws SQLException {
        return rows(c, "SELECT url, name FROM value_set ORDER BY url");
    }

    /** The CapabilityStatement of a FHIR R4 terminology server; 503 while the schema version is unknown. */
    private Map<String, Object> capabilityStatement(Connection c) throws SQLException {
        List<Map<String, Object>> version = rows(c, "SELECT version FROM schema_version ORDER BY applied_at DESC, version DESC LIMIT 1");
        if (version.isEmpty()) {
            throw new Unavailable("the database has no schema version");
        }
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("resourceType", "CapabilityStatement");
        statement.put("status", "active");
        statement.put("kind", "instance");
        statement.put("fhirVersion", "4.0.1");
        statement.put("format", List.of("json"));
        statement.put("software", Map.of("name", "Amy-Term", "version", version.get(0).get("version")));
        statement.put("rest", List.of(Map.of("mode", "server", "resource", List.of(
                Map.of("type", "CodeSystem", "interaction", List.of(Map.of("code", "read"), Map.of("code", "search-type"))),
                Map.of("type", "ValueSet", "interaction", List.of(Map.of("code", "read"), Map.of("code", "search-type")))))));
        return statement;
    }

    private List<Map<String, Object>> atcSearch(Connection c, String search) throws SQLException {
        if (search == null || search.isBlank()) {
            throw new BadRequest("search is required: /atc/browser?search=…");
        }
        try (PreparedStatement st = c.prepareStatement("SELECT code, name FROM atc_code WHERE name ILIKE ? OR code ILIKE ? "
                + "ORDER BY code LIMIT 50")) {
            st.setString(1, "%" + search + "%");
            st.setString(2, search + "%");
            return rows(st);
        }
    }

    private void answer(HttpExchange exchange, String contentType, Query query) throws IOException {
        int status = 200;
        Object body;
        try (Connection c = connect()) {
            body = query.run(c);
        } catch (Unavailable | SQLException e) {
            status = 503;
            body = Map.of("error", e.getMessage());
        } catch (BadRequest e) {
            status = 400;
            body = Map.of("error", e.getMessage());
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? contentType : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Connection connect() throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", env.getOrDefault("PGUSER", "postgres"));
        if (env.get("PGPASSWORD") != null) {
            login.setProperty("password", env.get("PGPASSWORD"));
        }
        login.setProperty("connectTimeout", "10");
        login.setProperty("ApplicationName", "amyterm-sample-app");
        return new org.postgresql.Driver().connect("jdbc:postgresql://" + env.getOrDefault("PGHOST", "127.0.0.1") + ":"
                + env.getOrDefault("PGPORT", "5432") + "/" + env.getOrDefault("PGDATABASE", "amyterm"), login);
    }

    private static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            return rows(st);
        }
    }

    private static List<Map<String, Object>> rows(PreparedStatement st) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @FunctionalInterface
    private interface Query {
        Object run(Connection c) throws SQLException;
    }

    private static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
