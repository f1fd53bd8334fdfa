package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.Contrast;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and chromedriver (hack/install-deps.sh), driven by Selenium: never a downloaded browser
 * or driver, and a browser that reaches nothing but loopback. Plus the accessibility checks run on what it rendered.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    static void assertInstalled() {
        assertThat(BINARY).as("Debian's chromium (make deps)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (make deps)").isExecutable();
    }

    static ChromeOptions options() {
        var options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // Headless, and nothing but loopback: no proxy, no name lookups beyond it, no background traffic to Google.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--no-first-run", "--disable-extensions", "--metrics-recording-only", "--force-device-scale-factor=1");
        return options;
    }

    static ChromeDriver start(ChromeOptions options) {
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }

    /** Tables with captions and scoped headers, labelled controls, and text meeting WCAG AA contrast (4.5:1) as rendered. */
    static void assertAccessible(ChromeDriver browser) {
        for (WebElement table : browser.findElements(By.tagName("table"))) {
            assertThat(table.findElements(By.tagName("caption"))).isNotEmpty();
            assertThat(table.findElements(By.cssSelector("thead th:not([scope=col])"))).isEmpty();
        }
        assertThat(browser.executeScript("return Array.from(document.querySelectorAll('select, input:not([type=hidden])')).every(e => e.labels.length > 0);"))
                .isEqualTo(true);
        int checked = 0;
        for (WebElement element : browser.findElements(By.cssSelector(".badge, td.cell, .h, .tls li, a, .reason, .updated"))) {
            @SuppressWarnings("unchecked")
            var colours = (List<String>) browser.executeScript("var s = getComputedStyle(arguments[0]); var e = arguments[0], bg = 'rgba(0, 0, 0, 0)';"
                    + "while (e && (bg = getComputedStyle(e).backgroundColor) === 'rgba(0, 0, 0, 0)') { e = e.parentElement; }"
                    + "return [s.color, e ? bg : 'rgb(255, 255, 255)'];", element);
            double ratio = Contrast.ratio(colours.get(0), colours.get(1));
            assertThat(ratio).as("contrast of %s on %s (%s)", colours.get(0), colours.get(1), element.getText()).isGreaterThanOrEqualTo(4.5);
            checked++;
        }
        assertThat(checked).isPositive();
    }
}
