package io.smtpprobe.operator.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.Contrast;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every text colour of page.css on the backgrounds it is used on meets WCAG AA (4.5:1); StatusPageIT checks the rendered page. */
class PageContrastTest {
    static final Path CSS = Path.of("src/main/resources/META-INF/resources/assets/page.css");

    @Test
    void everyStateColourPairMeetsWcagAa() throws IOException {
        Map<String, String> colours = new HashMap<>();
        var declaration = Pattern.compile("--([a-z-]+):\\s*(#[0-9a-fA-F]{6});").matcher(Files.readString(CSS));
        while (declaration.find()) {
            colours.put(declaration.group(1), declaration.group(2));
        }
        for (String state : new String[] {"ok", "warn", "fail", "none"}) {
            String fg = colours.get(state + "-fg");
            assertThat(Contrast.ratio(fg, colours.get(state + "-bg"))).as(state + " on its background").isGreaterThanOrEqualTo(4.5);
            assertThat(Contrast.ratio(fg, colours.get("page"))).as(state + " on the page (TLS facts)").isGreaterThanOrEqualTo(4.5);
        }
        for (String text : new String[] {"text", "muted", "link"}) {
            assertThat(Contrast.ratio(colours.get(text), colours.get("page"))).as(text).isGreaterThanOrEqualTo(4.5);
        }
        assertThat(Contrast.ratio(colours.get("none-fg"), colours.get("none-bg"))).as("table headers").isGreaterThanOrEqualTo(4.5);
        assertThat(Contrast.ratio(colours.get("head-fg"), colours.get("head-bg"))).as("top bar").isGreaterThanOrEqualTo(4.5);
    }

    @Test
    void theRatioIsWcags() {
        assertThat(Contrast.ratio("#000000", "#ffffff")).isEqualTo(21.0);
        assertThat(Contrast.ratio("rgb(118, 118, 118)", "#ffffff")).isBetween(4.5, 4.6);
    }
}
