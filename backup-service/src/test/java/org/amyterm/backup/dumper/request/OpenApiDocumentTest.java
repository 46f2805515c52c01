package org.amyterm.backup.dumper.request;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.amyterm.backup.dumper.dump.SourceDatabaseResource;
import org.amyterm.backup.testsupport.OpenApiContract;
import org.junit.jupiter.api.Test;

/** The service's OpenAPI document describes exactly the operations its REST resources implement. */
@QuarkusTest
@QuarkusTestResource(SourceDatabaseResource.class)
class OpenApiDocumentTest {
    @TestHTTPResource("/q/openapi?format=json")
    URI openapi;

    @Test
    void documentDescribesExactlyTheResourcesOperations() throws Exception {
        OpenApiContract.verify(openapi, "Amy-Term Backup: backup-service", "org.amyterm.backup.dumper");
    }
}
