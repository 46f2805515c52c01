package org.amyterm.backup.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.Test;

/**
 * The console's pages on a real bucket, with the services it asks away: who may see what, whether
 * each database's state is told right (worst first, in words, not only colour), the evidence's
 * signatures, and that nothing a viewer sends can act.
 */
@QuarkusTest
@QuarkusTestResource(value = BucketWithBackups.class, restrictToAnnotatedClass = true)
class ConsolePagesTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void anonymousVisitorsAreSentToTheSignInPageAndEveryPageCarriesTheSecurityHeaders() throws Exception {
        Browser browser = new Browser(base);

        HttpResponse<String> overview = browser.get("/");
        assertThat(overview.statusCode()).isEqualTo(303);
        assertThat(overview.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin"));

        HttpResponse<String> signIn = browser.get("/signin");
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("<h1>Sign in</h1>", "<label for=\"token\">").doesNotContain("healthy");
        assertThat(signIn.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe"));
        assertThat(signIn.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(signIn.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void aViewerSignsInWithTheirTokenAndSeesEveryDatabaseWorstFirstInWords() throws Exception {
        Browser browser = new Browser(base);

        // When a viewer signs in with their token
        HttpResponse<String> signedIn = browser.signIn(ApiTokens.viewer());

        // Then the token is kept in an HttpOnly cookie (never in the URL they are sent to)
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain("ey");
        String setCookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("amyterm_console="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/");

        // and the overview lists each database worst first, its state in words and a symbol
        HttpResponse<String> overview = browser.get("/");
        assertThat(overview.statusCode()).isEqualTo(200);
        String page = overview.body();
        assertThat(page.indexOf(">tampered<")).isPositive().isLessThan(page.indexOf(">failing<"));
        assertThat(page.indexOf(">failing<")).isLessThan(page.indexOf(">healthy<"));
        assertThat(row(page, "tampered")).contains("Files not trusted", "✖");
        assertThat(row(page, "failing")).contains("Newest backup failed", "⚠", BucketWithBackups.BACKUPS.get("failing").get(0));
        assertThat(row(page, "healthy")).contains("Recoverable", "✔", BucketWithBackups.BACKUPS.get("healthy").get(1));
        assertThat(page).contains("2 of 4</strong> databases can be restored right now");
        assertThat(row(page, "copied")).contains("Files not trusted");
        // and the services it could not ask are named, not hidden
        assertThat(page).contains("The backup service could not be asked", "The notifier could not be asked");
        assertThat(page).contains("Signed in as <strong>victor.viewer@example.org</strong> (viewer)");
    }

    @Test
    void aScriptReadsTheOverviewWithABearerToken() throws Exception {
        HttpResponse<String> overview = new Browser(base).get("/", ApiTokens.viewer());

        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains(">healthy<", ">failing<", ">tampered<", "Recoverable", "Newest backup failed");
    }

    @Test
    void theDatabasePageDrawsTheLast90DaysAndListsEveryBackupWithTheRestoreCommand() throws Exception {
        HttpResponse<String> page = new Browser(base).get("/databases/failing", ApiTokens.viewer());

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("<svg class=\"chart\"", "role=\"img\"", "<title id=\"chart-title\">failing: the last 90 days",
                "Restore time (s)", ">RTO 60.0 s<", " failed</title>");
        for (String id : BucketWithBackups.BACKUPS.get("failing")) {
            assertThat(html).contains("/backups/" + id + "?database=failing");
        }
        assertThat(html).contains("restore test failed", "amyterm-backup restore failing --backup=last-known-good");
        // the operator's restore from a backup is listed as a restore, with what it restored where; a forged record is not
        assertThat(html).contains("<h2>Restores</h2>", "public.concept into schema recovered of failing",
                "alice.operator@example.org", "left out: FK CONSTRAINT public.concept concept_code_system_id_fkey")
                .doesNotContain("mallory", "into elsewhere");
        // the storage service (retention's rules) is away: said, not hidden
        assertThat(html).contains("The storage service could not be asked what retention would delete");
        assertThat(new Browser(base).get("/databases/nosuch", ApiTokens.viewer()).statusCode()).isEqualTo(404);
    }

    @Test
    void theBackupPageSaysWhichKeySignedEachFileAndOffersThemForGpgVerify() throws Exception {
        String id = BucketWithBackups.BACKUPS.get("healthy").get(1);
        Browser browser = new Browser(base);

        HttpResponse<String> page = browser.get("/backups/" + id + "?database=healthy", ApiTokens.viewer());

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(row(html, "manifest.json")).contains("verified", BucketWithBackups.signingKey.fingerprint());
        assertThat(row(html, "verification.json")).contains("verified", BucketWithBackups.evidenceKey.fingerprint());
        assertThat(html).contains("row-counts", "sampled-rows", "689 MB", "2.2 GB");
        // the files download as they are in the bucket, with their signatures; nothing else does
        HttpResponse<String> manifest = browser.get("/backups/" + id + "/files/manifest.json?database=healthy",
                ApiTokens.viewer());
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).contains("\"backupId\" : \"" + id + "\"");
        assertThat(browser.get("/backups/" + id + "/files/manifest.json.sig?database=healthy", ApiTokens.viewer()).body())
                .startsWith("-----BEGIN PGP SIGNATURE-----");
        assertThat(browser.get("/backups/" + id + "/files/dump.pgcustom.zst.gpg?database=healthy", ApiTokens.viewer())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void evidenceEditedAfterItWasSignedIsShownAsNotTrustedWithTheReason() throws Exception {
        String id = BucketWithBackups.BACKUPS.get("tampered").get(0);

        String html = new Browser(base).get("/backups/" + id + "?database=tampered", ApiTokens.viewer()).body();

        assertThat(row(html, "verification.json")).contains("not trusted", "changed after it was signed");
        assertThat(html).contains("Some of its files are not trusted");
    }

    @Test
    void evidenceCopiedFromAnotherBackupIsShownAsNotTrustedThereThoughItsSignatureIsGenuine() throws Exception {
        String id = BucketWithBackups.BACKUPS.get("copied").get(0);

        String html = new Browser(base).get("/backups/" + id + "?database=copied", ApiTokens.viewer()).body();

        assertThat(row(html, "manifest.json")).contains("verified", BucketWithBackups.signingKey.fingerprint());
        assertThat(row(html, "verification.json")).contains("not trusted").doesNotContain("✔");
        assertThat(html).contains("No restore test has vouched for this backup yet");
    }

    @Test
    void aViewerSeesNoActionAndCannotActWithOrWithoutTheFormsCsrfToken() throws Exception {
        Browser viewer = new Browser(base);
        viewer.signIn(ApiTokens.viewer());
        String page = viewer.get("/databases/healthy").body();
        assertThat(page).doesNotContain("Back up now");

        // a forged POST (no CSRF token, as another site's form would send) is refused
        assertThat(viewer.post("/actions/backup/healthy", Map.of(), null).statusCode()).isEqualTo(403);
        // and a viewer's own form POST is refused for their role
        HttpResponse<String> refused = viewer.post("/actions/backup/healthy", Map.of(), page);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Your role may look, not act");
    }

    @Test
    void anOperatorSeesTheActionsAForgedPostInTheirNameIsRefusedAndTheyAreToldWhyWhenTheServiceIsAway() throws Exception {
        Browser operator = new Browser(base);
        operator.signIn(ApiTokens.operator());
        String page = operator.get("/databases/healthy").body();
        assertThat(page).contains("Back up now");
        String backupPage = operator.get("/backups/" + BucketWithBackups.BACKUPS.get("healthy").get(0) + "?database=healthy")
                .body();
        assertThat(backupPage).contains("Verify again");

        // a POST forged in an operator's name (no CSRF token) is refused before anything is asked
        assertThat(operator.post("/actions/backup/healthy", Map.of(), null).statusCode()).isEqualTo(400);

        // the form's own POST asks the backup service, which is away: the page says so
        HttpResponse<String> refused = operator.post("/actions/backup/healthy", Map.of(), page);

        assertThat(refused.statusCode()).isBetween(500, 599);
        assertThat(refused.body()).contains("Back up healthy: not done");
    }

    @Test
    void signingOutForgetsTheToken() throws Exception {
        Browser browser = new Browser(base);
        browser.signIn(ApiTokens.viewer());
        String page = browser.get("/").body();

        HttpResponse<String> out = browser.post("/signout", Map.of(), page);

        assertThat(out.statusCode()).isEqualTo(303);
        HttpCookie session = browser.cookie("amyterm_console");
        assertThat(session == null || session.getValue().isEmpty()).isTrue();
        assertThat(browser.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void aTokenThatIsNotAcceptedIsRefusedWithTheReasonAndNotEchoed() throws Exception {
        String foreign = ApiTokens.token("someone-else", "viewer", List.of("viewer"));

        HttpResponse<String> refused = new Browser(base).signIn(foreign);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("That token was not accepted").doesNotContain(foreign);
    }

    /** The table row of {@code name} (a database or a file) in {@code html}. */
    private static String row(String html, String name) {
        int at = html.indexOf(">" + name + "<");
        assertThat(at).as("a row for " + name).isPositive();
        return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    }
}
