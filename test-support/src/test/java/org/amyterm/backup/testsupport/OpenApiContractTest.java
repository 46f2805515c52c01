package org.amyterm.backup.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Operations are read the same way from a document and from resources. */
class OpenApiContractTest {

    @Test
    void documentOperationsAreMethodAndNormalisedPath() {
        String document = "{\"openapi\":\"3.1.0\",\"paths\":{\"/backups/{id}\":{\"get\":{},\"parameters\":[]},"
                + "\"/backups\":{\"post\":{},\"get\":{}}}}";
        assertThat(OpenApiContract.documented(document)).containsExactly("GET /backups", "GET /backups/{id}", "POST /backups");
    }

    @Test
    void pathsLoseDoubledAndTrailingSlashesAndParameterPatterns() {
        assertThat(OpenApiContract.normalise("/restores//{id: [a-z]+}/")).isEqualTo("/restores/{id}");
        assertThat(OpenApiContract.normalise("alerts")).isEqualTo("/alerts");
    }
}
