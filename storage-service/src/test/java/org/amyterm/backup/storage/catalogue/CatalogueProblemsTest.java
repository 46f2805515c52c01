package org.amyterm.backup.storage.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.junit.jupiter.api.Test;

/** The catalogue's failures are problems with a reason a person and the CLI can act on, never an opaque 500. */
class CatalogueProblemsTest {
    private final CatalogueProblems problems = new CatalogueProblems();

    @Test
    void bucketAwayIsA503ToRetryWithRetryAfter() {
        Response response = problems.bucket(new ObjectStoreException("connect timed out", true, null));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(((Problem) response.getEntity()).detail()).contains("cannot be read now", "connect timed out");
    }

    @Test
    void bucketRefusingIsA502NamingWhatToCheck() {
        Response response = problems.bucket(new ObjectStoreException("Access Denied", false, null));

        assertThat(response.getStatus()).isEqualTo(502);
        assertThat(((Problem) response.getEntity()).detail()).contains("Access Denied", "credentials");
    }

    @Test
    void anythingElseIsA500ProblemSayingWhat() {
        Response response = problems.unexpected(new IllegalStateException("manifest of 2026… unreadable"));

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(((Problem) response.getEntity()).detail()).contains("IllegalStateException", "unreadable");
    }
}
