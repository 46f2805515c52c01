package org.amyterm.backup.storage.catalogue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.amyterm.backup.storage.upload.StoreResource;
import org.amyterm.backup.testsupport.OpenApiContract;
import org.junit.jupiter.api.Test;

/** The service's OpenAPI document describes exactly the operations its REST resources implement. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class OpenApiDocumentTest {
    @TestHTTPResource("/q/openapi?format=json")
    URI openapi;

    @Test
    void documentDescribesExactlyTheResourcesOperations() throws Exception {
        OpenApiContract.verify(openapi, "Amy-Term Backup: storage-service", "org.amyterm.backup.storage");
    }
}
