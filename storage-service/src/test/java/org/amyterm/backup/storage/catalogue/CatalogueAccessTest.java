package org.amyterm.backup.storage.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.amyterm.backup.storage.upload.StoreResource;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.Test;

/** Who may read the catalogue and run retention: viewers look, operators act, nobody anonymous. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class CatalogueAccessTest {
    @TestHTTPResource("/")
    URI root;

    @Test
    void anonymousIsRefusedViewerMayLookButNotRunRetentionOperatorMay() throws Exception {
        assertThat(send(get("catalogue/status"), null).statusCode()).isEqualTo(401);
        assertThat(send(get("catalogue/status"), ApiTokens.viewer()).statusCode()).isEqualTo(200);
        assertThat(send(retentionDryRun(), ApiTokens.viewer()).statusCode()).isEqualTo(403);
        assertThat(send(retentionDryRun(), ApiTokens.operator()).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBackupIdIsAProblemSayingWhy() throws Exception {
        HttpResponse<String> response = send(get("catalogue/backups/yesterday"), ApiTokens.viewer());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(response.body()).contains("\"detail\":", "not a backup id");
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(root.resolve(path)).GET();
    }

    private HttpRequest.Builder retentionDryRun() {
        return HttpRequest.newBuilder(root.resolve("retention?dryRun=true")).POST(HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
