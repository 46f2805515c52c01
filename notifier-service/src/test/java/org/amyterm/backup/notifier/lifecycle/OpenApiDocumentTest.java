package org.amyterm.backup.notifier.lifecycle;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.testsupport.OpenApiContract;
import org.junit.jupiter.api.Test;

/** The service's OpenAPI document describes exactly the operations its REST resources implement. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {
    @TestHTTPResource("/q/openapi?format=json")
    URI openapi;

    @Test
    void documentDescribesExactlyTheResourcesOperations() throws Exception {
        OpenApiContract.verify(openapi, "Amy-Term Backup: notifier-service", "org.amyterm.backup.notifier");
    }
}
