package org.amyterm.backup.notifier.delivery;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.amyterm.backup.notifier.config.NotifierConfig;

/**
 * A channel spoken to over HTTP through a REST client of {@code api}: on once its URL is set; reads
 * every answer the same way.
 */
abstract class HttpAlertChannel<T> implements AlertChannel {
    private final String name;
    private final NotifierConfig.Route route;
    private final Optional<T> client;

    HttpAlertChannel(String name, NotifierConfig.Route route, Optional<URI> url, Class<T> api, Duration timeout) {
        this.name = name;
        this.route = route;
        this.client = url.map(base -> QuarkusRestClientBuilder.newBuilder().baseUri(base)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(api));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean configured() {
        return client.isPresent();
    }

    @Override
    public NotifierConfig.Route route() {
        return route;
    }

    /** Sends, and turns anything but a 2xx into a {@link DeliveryFailed} that says whether to retry. */
    void send(Function<T, Response> request) {
        try (Response response = request.apply(client.orElseThrow())) {
            if (response.getStatus() / 100 != 2) {
                throw DeliveryFailed.ofStatus(name, response.getStatus(), response.hasEntity()
                        ? response.readEntity(String.class) : null);
            }
        } catch (WebApplicationException e) {
            Response response = e.getResponse();
            throw DeliveryFailed.ofStatus(name, response.getStatus(), response.hasEntity()
                    ? response.readEntity(String.class) : null);
        } catch (ProcessingException e) {
            throw DeliveryFailed.unreachable(name, e.getCause() != null ? e.getCause() : e);
        }
    }
}
