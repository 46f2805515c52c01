package org.amyterm.backup.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server that records every POSTed body and its headers: the operator's webhook, or a
 * stand-in for Slack or PagerDuty (answering their status and body), in a test. It can be stopped
 * and started again on the same port, as a receiver that is down for a while.
 */
public final class WebhookReceiver implements AutoCloseable {
    private final int port;
    private final int status;
    private final String answer;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile HttpServer server;

    /** One request: its path, its headers (lower-case names) and its body. */
    public record Request(String path, Map<String, String> headers, String body) {
    }

    private WebhookReceiver(int port, int status, String answer) {
        this.port = port;
        this.status = status;
        this.answer = answer;
    }

    public static WebhookReceiver start() {
        return start(204, null);
    }

    /** A receiver that answers every POST with this status and body (null: none). */
    public static WebhookReceiver start(int status, String answer) {
        WebhookReceiver receiver = new WebhookReceiver(FreePort.next(), status, answer);
        receiver.up();
        return receiver;
    }

    /** Listens (again) on its port. */
    public synchronized void up() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            s.createContext("/", exchange -> {
                Map<String, String> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                        String.join(",", values)));
                requests.add(new Request(exchange.getRequestURI().getPath(), headers,
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                byte[] body = answer == null ? null : answer.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
                if (body != null) {
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            s.start();
            server = s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops listening: a connection is refused until {@link #up()}. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** The base URL, without a path. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public List<String> bodies() {
        return requests.stream().map(Request::body).toList();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        down();
    }
}
