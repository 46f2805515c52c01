package org.amyterm.backup.notifier.delivery;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Builds the REST clients of the HTTP channels and reads their answers the same way. */
final class HttpChannels {
    private HttpChannels() {
    }

    static <T> T client(URI base, Class<T> api, Duration timeout) {
        return QuarkusRestClientBuilder.newBuilder().baseUri(base)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(api);
    }

    /** Sends, and turns anything but a 2xx into a {@link DeliveryFailed} that says whether to retry. */
    static <T> void send(String channel, T client, Function<T, Response> request) {
        try (Response response = request.apply(client)) {
            if (response.getStatus() / 100 != 2) {
                throw DeliveryFailed.ofStatus(channel, response.getStatus(), response.hasEntity()
                        ? response.readEntity(String.class) : null);
            }
        } catch (WebApplicationException e) {
            Response response = e.getResponse();
            throw DeliveryFailed.ofStatus(channel, response.getStatus(), response.hasEntity()
                    ? response.readEntity(String.class) : null);
        } catch (ProcessingException e) {
            throw DeliveryFailed.unreachable(channel, e.getCause() != null ? e.getCause() : e);
        }
    }
}
