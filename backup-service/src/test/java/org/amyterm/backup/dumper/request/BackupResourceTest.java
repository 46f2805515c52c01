package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.dumper.dump.SourceDatabaseResource;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.Test;

/** {@code POST /backups}: good requests become BackupRequested events, bad ones get a clear 4xx. */
@QuarkusTest
@QuarkusTestResource(SourceDatabaseResource.class)
class BackupResourceTest {
    @TestHTTPResource("/backups")
    URI backups;

    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void acceptedRequestIsPublishedAndNamesItsBackupId() throws Exception {
        HttpResponse<String> response = post("{\"database\":\"" + SourceDatabaseResource.DATABASE
                + "\",\"reason\":\"pre-upgrade\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        BackupRequested accepted = EventJson.read(response.body(), BackupRequested.class);
        assertThat(connector.sink("events").received()).anySatisfy(m -> assertThat((String) m.getPayload())
                .contains(accepted.backupId(), "\"reason\":\"pre-upgrade\""));
    }

    @Test
    void unknownDatabaseIsA404NamingTheConfiguredOnes() throws Exception {
        HttpResponse<String> response = post("{\"database\":\"payroll\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("payroll", SourceDatabaseResource.DATABASE, "amyterm.backup.source.databases");
    }

    @Test
    void unknownReasonIsA400ListingTheValidOnes() throws Exception {
        HttpResponse<String> response = post("{\"database\":\"" + SourceDatabaseResource.DATABASE + "\",\"reason\":\"whim\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("pre-federation-release");
    }

    @Test
    void bodyWithoutDatabaseOrNotJsonIsA400ProblemSayingWhy() throws Exception {
        for (String body : java.util.List.of("{}", "not json")) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body()).contains("\"status\":400", "\"title\":\"Bad Request\"", "\"detail\":");
        }
        assertThat(post("not json").body()).contains("not a JSON backup request");
    }

    @Test
    void twoMegabyteIdempotencyKeyIsA400SayingWhyAndNothingIsPublished() throws Exception {
        // Given a request whose idempotency key is 2 MB
        String huge = "x".repeat(2 * 1024 * 1024);
        int published = connector.sink("events").received().size();

        // When it is posted
        HttpResponse<String> response = post("{\"database\":\"" + SourceDatabaseResource.DATABASE
                + "\",\"idempotencyKey\":\"" + huge + "\"}");

        // Then it is refused, saying which field and how long it may be, and no request goes out
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("idempotencyKey", "at most 200 characters").doesNotContain("xxxxxxxx");
        assertThat(connector.sink("events").received()).hasSize(published);
        // while the same request with a short key is accepted
        assertThat(post("{\"database\":\"" + SourceDatabaseResource.DATABASE + "\",\"idempotencyKey\":\"k-1\"}")
                .statusCode()).isEqualTo(202);
    }

    @Test
    void anonymousRequestIsRefusedWith401AndNothingIsPublished() throws Exception {
        int published = connector.sink("events").received().size();

        HttpResponse<String> response = post(null, "{\"database\":\"" + SourceDatabaseResource.DATABASE + "\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(connector.sink("events").received()).hasSize(published);
    }

    @Test
    void viewerMayListDatabasesButNotRequestABackup() throws Exception {
        int published = connector.sink("events").received().size();

        HttpResponse<String> refused = post(ApiTokens.viewer(), "{\"database\":\"" + SourceDatabaseResource.DATABASE + "\"}");
        HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(backups.resolve("backups/databases"))
                .header("Authorization", "Bearer " + ApiTokens.viewer()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(connector.sink("events").received()).hasSize(published);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(SourceDatabaseResource.DATABASE);
    }

    @Test
    void operatorIsRecordedAsRequestedByWhateverTheBodyClaims() throws Exception {
        // Given an operator's token, and a body that names somebody else
        String body = "{\"database\":\"" + SourceDatabaseResource.DATABASE + "\",\"requestedBy\":\"somebody-else\"}";

        // When it is posted
        HttpResponse<String> response = post(ApiTokens.operator(), body);

        // Then it is accepted, and the request on the topic names the token's principal
        assertThat(response.statusCode()).isEqualTo(202);
        BackupRequested accepted = EventJson.read(response.body(), BackupRequested.class);
        assertThat(accepted.requestedBy()).isEqualTo("alice.operator@example.org");
        assertThat(connector.sink("events").received()).anySatisfy(m -> assertThat((String) m.getPayload())
                .contains(accepted.backupId(), "\"requestedBy\":\"alice.operator@example.org\"")
                .doesNotContain("somebody-else"));
    }

    @Test
    void tokenSignedForAnotherIssuerIsRefusedWith401() throws Exception {
        // a token our key signed, but naming an issuer the service does not trust
        String foreign = ApiTokens.token("https://idp.example.org", "mallory@example.org", java.util.List.of("operator"));
        assertThat(post(foreign, "{\"database\":\"" + SourceDatabaseResource.DATABASE + "\"}").statusCode()).isEqualTo(401);
    }

    @Test
    void tokenIssuedForAnotherApplicationIsRefusedWith401() throws Exception {
        // a token of the trusted issuer and key, but meant for another application, or for none
        String otherApp = ApiTokens.token(ApiTokens.ISSUER, "grafana", "mallory@example.org", java.util.List.of("operator"));
        String noAudience = ApiTokens.token(ApiTokens.ISSUER, null, "mallory@example.org", java.util.List.of("operator"));
        String body = "{\"database\":\"" + SourceDatabaseResource.DATABASE + "\"}";
        assertThat(post(otherApp, body).statusCode()).isEqualTo(401);
        assertThat(post(noAudience, body).statusCode()).isEqualTo(401);
        // and its twin: the same token meant for this product is accepted
        assertThat(post(ApiTokens.token(ApiTokens.ISSUER, ApiTokens.AUDIENCE, "alice@example.org",
                java.util.List.of("operator")), body).statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(ApiTokens.operator(), body);
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(backups).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
