package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The status page in a real browser (Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver; nothing is downloaded) against the packaged operator on a real kube-apiserver, probing real
 * mail servers on loopback: Postfix with STARTTLS (an accepted recipient, an unknown one), dnsmasq (an
 * NXDOMAIN), and a peer that accepts once and then refuses with markup in its reply. Screenshots go to
 * {@code target/status-page/}, and with {@code -Dscreenshots.update=true} to {@code docs/status-page/} for the README.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageIT {
    private static final String TEAM = "page-team";
    private static final String OTHER = "page-other";
    private static final String HOSTILE_ADDRESS = "127.0.0.9";
    private static final Path CRDS = Path.of("crds");

    private ControlPlane controlPlane;
    private Postfix postfix;
    private BrowserPeer peer;
    private Dnsmasq dns;
    private OperatorProcess operator;
    private ChromeDriver browser;
    private Path scratch;

    @BeforeAll
    void startMailWorldOperatorAndBrowser() throws IOException {
        Chromium.assertInstalled();
        controlPlane = ControlPlane.shared();
        scratch = Files.createTempDirectory("status-page-it-");
        var authority = TestCertificates.authority("Status Page Test CA");
        var certificate = TestCertificates.server(authority, "mx.contoso.test", Instant.now().minus(Duration.ofDays(10)),
                Instant.now().plus(Duration.ofDays(80)), TestCertificates.KeyType.RSA);
        TestCertificates.writePem(certificate, scratch);
        postfix = Postfix.builder().myhostname("mx.contoso.test")
                .domain("contoso.test", "user").domain("fabrikam.test", "user")
                .startTls(scratch.resolve("cert.pem"), scratch.resolve("key.pem")).start();
        peer = BrowserPeer.start(HOSTILE_ADDRESS, postfix.port());
        dns = Dnsmasq.builder()
                .mx("contoso.test", "mx.contoso.test", 10).host("mx.contoso.test", Postfix.HOST)
                .mx("fabrikam.test", "mx.fabrikam.test", 10).host("mx.fabrikam.test", Postfix.HOST)
                .mx("hostile.test", "mx.hostile.test", 10).host("mx.hostile.test", HOSTILE_ADDRESS)
                .start();

        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRDS.toString());
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        for (String namespace : List.of(TEAM, OTHER)) {
            controlPlane.kubectl("apply", "-f", write(namespace + ".yaml",
                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n").toString());
        }
        operator = OperatorProcess.start("status-page", controlPlane.kubeconfigPath(), Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", TEAM + "," + OTHER,
                "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                "SMTPPROBE_DNS_SERVERS", dns.endpoint(),
                "SMTPPROBE_POLICY_ALLOWED_PORTS", Integer.toString(postfix.port()),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8"));
        browser = Chromium.start(Chromium.options());
    }

    @AfterAll
    void stopEverything() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (operator != null) {
            operator.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", TEAM, OTHER, "--wait=false", "--ignore-not-found");
        }
        if (dns != null) {
            dns.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    @Order(1)
    void aResultArrivingWhileThePageIsOpenAppearsWithoutAReloadAndItsMarkupStaysText() {
        apply(TEAM, "contoso", "contoso.test", "user@contoso.test");
        apply(TEAM, "fabrikam", "fabrikam.test", "nobody@fabrikam.test");
        apply(TEAM, "hostile", "hostile.test", "nobody@hostile.test");
        apply(OTHER, "nosuch", "nosuch.test", "user@nosuch.test");
        awaitUntil(Duration.ofSeconds(60), () -> jsonpath(TEAM, "hostile", "{.status.history[*].reason}").equals("Accepted"),
                () -> controlPlane.kubectl("get", "smtpprobes", "-A", "-o", "yaml") + operator.log());

        browser.get(page("/probes/" + TEAM + "/hostile?refresh=2"));
        assertThat(cellOf("mx.hostile.test").getText()).contains("250", "dialogue completed").doesNotContain("at Quit");
        js("window.stillTheSamePage = true;");
        // The second probe, 30 s (± jitter) after the first, is refused: the open page shows it by itself.
        awaitUntil(Duration.ofSeconds(75), () -> cellOf("mx.hostile.test").getText().contains("550"),
                () -> browser.getPageSource() + operator.log());

        assertThat(js("return window.stillTheSamePage === true;")).as("refreshed in place, not reloaded").isEqualTo(true);
        WebElement cell = cellOf("mx.hostile.test");
        assertThat(cell.getAttribute("class")).contains("fail");
        assertThat(cell.getText()).contains("✗", "550", "5.1.1", "at RcptTo", "RecipientUnknown");
        assertThat(cell.findElement(By.className("text")).getText()).as("the server's markup shown as text")
                .contains("<script>document.title='pwned'</script><img src=x onerror=alert(1)> no such user");
        assertThat(browser.findElements(By.cssSelector("#live script, #live img"))).as("no element made of server text").isEmpty();
        assertThat(browser.getTitle()).isEqualTo(TEAM + "/hostile: SMTP probe");
        assertThat(browser.findElement(By.cssSelector("section.transcript[data-host='mx.hostile.test'] pre")).getText())
                .contains("RCPT TO:<nobody@hostile.test>", "550 " + BrowserPeer.HOSTILE);
        var strip = browser.findElements(By.cssSelector("ol.history li"));
        assertThat(strip).hasSize(2);
        assertThat(strip.get(0).getAttribute("class")).contains("ok").doesNotContain("flap");
        assertThat(strip.get(1).getAttribute("class")).contains("fail", "flap");
        assertThat(browser.findElement(By.className("flaps")).getText()).isEqualTo("1 flap");
        assertThat(jsonpath(TEAM, "hostile", "{.status.flaps}")).isEqualTo("1");
        System.out.println("history of hostile: " + jsonpath(TEAM, "hostile", "{.status.history}"));
        screenshot("detail-hostile");
    }

    @Test
    @Order(2)
    void theOverviewListsEveryResultFiltersAndMeetsContrast() {
        awaitUntil(Duration.ofSeconds(60), () -> !jsonpath(OTHER, "nosuch", "{.status.reason}").isEmpty()
                && !jsonpath(TEAM, "contoso", "{.status.reason}").isEmpty(), operator::log);
        browser.get(page("/"));

        assertThat(row(TEAM, "contoso").getAttribute("data-result")).isEqualTo("Success");
        assertThat(row(TEAM, "contoso").findElement(By.cssSelector(".badge")).getAttribute("class")).contains("ok");
        assertThat(row(TEAM, "contoso").getText()).contains("✓ Success", "Accepted");
        assertThat(row(TEAM, "fabrikam").getText()).contains("✗ PermanentFailure", "RecipientUnknown");
        assertThat(row(OTHER, "nosuch").getText()).contains("✗ PermanentFailure", "DnsNameNotFound");
        assertThat(row(TEAM, "hostile").findElements(By.cssSelector("ol.history li.flap"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#probes tbody tr.probe"))).hasSize(4);
        Chromium.assertAccessible(browser);
        screenshot("overview");

        new Select(browser.findElement(By.id("filter-namespace"))).selectByValue(OTHER);
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        awaitUntil(Duration.ofSeconds(10), () -> browser.getCurrentUrl().contains("namespace=" + OTHER), browser::getPageSource);
        assertThat(browser.findElements(By.cssSelector("#probes tbody tr.probe"))).singleElement()
                .satisfies(r -> assertThat(r.getAttribute("data-name")).isEqualTo("nosuch"));
        new Select(browser.findElement(By.id("filter-namespace"))).selectByValue("");
        new Select(browser.findElement(By.id("filter-result"))).selectByValue("Success");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        awaitUntil(Duration.ofSeconds(10), () -> browser.getCurrentUrl().contains("result=Success"), browser::getPageSource);
        assertThat(browser.findElements(By.cssSelector("#probes tbody tr.probe"))).singleElement()
                .satisfies(r -> assertThat(r.getAttribute("data-name")).isEqualTo("contoso"));
    }

    @Test
    @Order(3)
    void aResourcePageShowsTheDecidingReplyAndTheTlsFactsPerMxHost() {
        browser.get(page("/"));
        row(TEAM, "contoso").findElement(By.linkText("contoso")).click();
        awaitUntil(Duration.ofSeconds(10), () -> browser.getCurrentUrl().endsWith("/probes/" + TEAM + "/contoso"), browser::getPageSource);

        WebElement cell = cellOf("mx.contoso.test");
        assertThat(cell.getAttribute("class")).contains("ok");
        assertThat(cell.getText()).contains("MX 10", "✓", "250", "2.1.5", "Accepted", "127.0.0.1:" + postfix.port());
        assertThat(cell.findElement(By.className("tls")).getText())
                .contains("TLSv1.3", "untrusted chain", "name matches", "certificate until");
        assertThat(browser.findElement(By.cssSelector("section.transcript pre")).getText())
                .contains("STARTTLS", "220 2.0.0 Ready to start TLS", "RCPT TO:<user@contoso.test>", "221 2.0.0 Bye");
        Chromium.assertAccessible(browser);
        screenshot("detail");

        browser.get(page("/probes/" + OTHER + "/nosuch"));
        assertThat(browser.findElement(By.cssSelector("#matrix tbody th[scope=row]")).getText())
                .contains("✗ PermanentFailure", "nosuch.test", "DnsNameNotFound");
        browser.get(page("/probes/" + TEAM + "/fabrikam"));
        assertThat(cellOf("mx.fabrikam.test").getText()).contains("550", "5.1.1", "at RcptTo", "RecipientUnknown");
        assertThat(cellOf("mx.fabrikam.test").getAttribute("class")).contains("fail");
    }

    @Test
    @Order(4)
    void withoutJavaScriptThePageIsStillReadableAndRefreshable() {
        var options = Chromium.options();
        options.addArguments("--blink-settings=scriptEnabled=false");
        var noScript = Chromium.start(options);
        try {
            noScript.get(page("/"));
            assertThat(noScript.findElements(By.cssSelector("#probes tbody tr.probe"))).hasSize(4);
            noScript.findElement(By.linkText("Refresh")).click();
            assertThat(noScript.findElements(By.cssSelector("#probes tbody tr.probe"))).hasSize(4);
            noScript.findElement(By.linkText("hostile")).click();
            assertThat(noScript.findElement(By.cssSelector("#matrix td[data-host='mx.hostile.test']")).getText()).contains("550", "5.1.1");
            noScript.findElement(By.linkText("All probes")).click();
            assertThat(noScript.getCurrentUrl()).endsWith("/");
        } finally {
            noScript.quit();
        }
    }

    private WebElement row(String namespace, String name) {
        return browser.findElement(By.cssSelector("tr.probe[data-namespace='" + namespace + "'][data-name='" + name + "']"));
    }

    private WebElement cellOf(String host) {
        return browser.findElement(By.cssSelector("#matrix td[data-host='" + host + "']"));
    }

    private Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    private String page(String path) {
        return operator.uri(path).toString();
    }

    private void screenshot(String name) {
        try {
            byte[] png = browser.getScreenshotAs(OutputType.BYTES);
            Path target = Files.createDirectories(Path.of("target/status-page")).resolve(name + ".png");
            Files.write(target, png);
            if (Boolean.getBoolean("screenshots.update")) {
                Files.write(Files.createDirectories(Path.of("docs/status-page")).resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void apply(String namespace, String name, String domain, String recipient) {
        Path file = write(name + ".yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\nmetadata:\n  name: " + name
                + "\n  namespace: " + namespace + "\nspec:\n  domains: [\"" + domain + "\"]\n  rcptTo: [\"" + recipient + "\"]\n"
                + "  port: " + postfix.port() + "\n  interval: 30s\n  greylistRetry: 0s\n");
        controlPlane.kubectl("apply", "-f", file.toString());
    }

    private String jsonpath(String namespace, String name, String expression) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-n", namespace, "-o", "jsonpath=" + expression).strip();
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(scratch.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(safely(condition))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(250);
        }
    }

    /** A page swapped in mid-lookup makes an element stale: that is "not yet", not a failure. */
    private static Boolean safely(Supplier<Boolean> condition) {
        try {
            return condition.get();
        } catch (org.openqa.selenium.WebDriverException notYet) {
            return false;
        }
    }
}
