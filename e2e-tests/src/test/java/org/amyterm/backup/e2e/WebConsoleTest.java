package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.testsupport.ApiTokens;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console in a real browser (Debian's chromium, driven by its chromedriver) on the real
 * pipeline: what a viewer sees after a verified backup, a backup whose byte flipped and failed its
 * re-verification, and a database never backed up; what an operator can start and follow to its
 * outcome; that nothing a page loads comes from another origin and every page passes axe-core's
 * WCAG 2.1 AA rules. Each page's screenshot is kept under target/, the overview's in docs/.
 * (Named to sort last: the end-to-end classes run in two forks in alphabetical order, and this one
 * balances the fork that does not run BackupPipelineTest.)
 */
class WebConsoleTest {
    private static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    private static Pipeline pipeline;
    private static String base;
    private static WebDriver browser;
    private static Path screenshots;

    @BeforeAll
    static void start() throws java.io.IOException {
        pipeline = Pipeline.get();
        base = "http://127.0.0.1:" + pipeline.startConsole();
        screenshots = TestDirs.server("console-screenshots");
        // a new profile each run: an earlier run's session cookie would sign the anonymous visitor in
        Path profile = Files.createTempDirectory(TestDirs.server("chromium"), "profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // no network beyond this host: chromium's own background connections are switched off
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1400,1100", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().withLogFile(screenshots.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aViewerSeesWhatCanBeRestoredNowAndAnOperatorBacksUpFromThePageToVerified() throws Exception {
        // Given a backup of the large database that passed its restore test, then had one byte of its
        // object flipped and failed its re-verification
        Pipeline.CliRun taken = pipeline.cli("backup", Pipeline.LARGE_DATABASE, "--wait", "verified", "--json");
        assertThat(taken.exit()).as(taken.err()).isZero();
        BackupSummary damaged = EventJson.read(taken.out(), BackupSummary.class);
        try (S3Client s3 = pipeline.s3Client()) {
            String key = damaged.manifest().object().key();
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(pipeline.bucket).key(key)).asByteArray();
            bytes[bytes.length / 2] ^= 0x01;
            s3.putObject(b -> b.bucket(pipeline.bucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        }
        assertThat(pipeline.cli("verify", damaged.backupId()).exit()).isEqualTo(1);
        // and a database configured for backups that was never backed up

        // When an anonymous visitor opens the console, Then they are shown the sign-in page
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/signin");
        checkPage("signin");

        // When a viewer signs in with their token
        signIn(ApiTokens.viewer());

        // Then the overview names each database with its state in words
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/");
        assertThat(row(Pipeline.LARGE_DATABASE)).contains("restore test failed");
        assertThat(row(Pipeline.UNTOUCHED_DATABASE)).contains("Not recoverable", "never backed up");
        checkPage("overview");

        // and the database page draws its trend, lists its backups and what retention deletes next,
        // with no action for a viewer
        browser.get(base + "/databases/" + Pipeline.LARGE_DATABASE);
        assertThat(browser.findElements(By.cssSelector("svg.chart"))).hasSize(1);
        assertThat(browser.getPageSource()).contains(damaged.backupId(), "What retention deletes next",
                "Retention's decision for each backup", "amyterm-backup restore " + Pipeline.LARGE_DATABASE);
        assertThat(browser.findElements(By.xpath("//button[text()='Back up now']"))).isEmpty();
        checkPage("database");

        // and the backup page shows each check and whose key signed each file
        browser.get(base + "/backups/" + damaged.backupId() + "?database=" + Pipeline.LARGE_DATABASE);
        assertThat(browser.getPageSource()).contains("restore test failed", "signed by key",
                pipeline.signingKey.fingerprint(), pipeline.evidenceKey.fingerprint());
        checkPage("backup");

        // and the alerts page has the failed restore test's alert open, and the webhook's delivery of it
        new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofSeconds(3)).ignoring(WebDriverException.class).until(driver -> {
            driver.get(base + "/alerts");
            return driver.getPageSource().contains(">" + Pipeline.LARGE_DATABASE + "<")
                    && driver.findElement(By.xpath("//tbody/tr[th[text()='webhook']]")).getText().contains("delivered");
        });
        checkPage("alerts");

        // and a POST a viewer could forge is refused, as is one in an operator's name without the form's token
        assertThat(post("/actions/backup/" + Pipeline.DATABASE, ApiTokens.viewer())).isEqualTo(403);
        assertThat(post("/actions/backup/" + Pipeline.DATABASE, ApiTokens.operator())).isEqualTo(400);

        // When an operator signs in and presses "Back up now" on a database's page
        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        signIn(ApiTokens.operator());
        browser.get(base + "/databases/" + Pipeline.DATABASE);
        browser.findElement(By.xpath("//button[text()='Back up now']")).click();

        // Then the page follows the backup, reloading itself, until it was verified (the click returns
        // before the console's answer to the POST, its redirect, has arrived: a full run saw it take seconds)
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(ExpectedConditions.urlContains("/progress/" + Pipeline.DATABASE + "/"));
        checkPage("progress");
        // (the page may be reloading when it is looked at: a look that finds no document is looked again)
        new WebDriverWait(browser, Duration.ofMinutes(5), Duration.ofSeconds(2)).ignoring(WebDriverException.class)
                .until(driver -> driver.findElement(By.id("stage")).getText().contains("verified"));
        screenshot("progress-verified");
        // (the overview lists the bucket again when its picture is older than amyterm.console.catalogue.max-age, 15 s)
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofSeconds(3)).ignoring(WebDriverException.class)
                .until(driver -> {
                    driver.get(base + "/");
                    return row(Pipeline.DATABASE).contains("Recoverable");
                });
        assertThat(row(Pipeline.DATABASE)).contains("Recoverable", "verified");
        // (the README's picture of the overview: one recoverable, one failed, one never backed up)
        screenshot("overview-after");
        Files.copy(screenshots.resolve("overview-after.png"), TestDirs.repositoryRoot().resolve("docs/console-overview.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void signIn(String token) {
        browser.get(base + "/signin");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.xpath("//button[text()='Sign in']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.urlToBe(base + "/"));
    }

    /** A page passes axe-core's WCAG 2.1 AA rules, loaded nothing from another origin, and is kept as a screenshot. */
    private static void checkPage(String name) throws Exception {
        screenshot(name);
        Results results = new AxeBuilder().withTags(WCAG_21_AA).analyze(browser);
        assertThat(results.getViolations()).as(name + ": " + results.getViolations().stream()
                .map(WebConsoleTest::describe).collect(Collectors.joining("; "))).isEmpty();
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        assertThat(loaded).as(name + " loaded only from " + base).allSatisfy(url -> assertThat(url).startsWith(base + "/"));
    }

    private static String describe(Rule rule) {
        return rule.getId() + " (" + rule.getHelp() + ") at " + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget()))
                .collect(Collectors.joining(", "));
    }

    private static void screenshot(String name) throws Exception {
        Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The overview's row of {@code database}, as text. */
    private static String row(String database) {
        return browser.findElement(By.xpath("//tbody/tr[th/a[text()='" + database + "']]")).getText();
    }

    private static int post(String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
