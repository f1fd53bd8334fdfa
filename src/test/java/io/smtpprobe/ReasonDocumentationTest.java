package io.smtpprobe;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's reasons table is the user's reference; it must list exactly the enum, word for word. */
class ReasonDocumentationTest {

    static String table() {
        StringBuilder sb = new StringBuilder("| reason | transient when | meaning and likely causes |\n|---|---|---|\n");
        for (Reason r : Reason.values()) {
            sb.append("| `").append(r.name()).append("` | ")
                    .append(r.transientWhen())
                    .append(" | ").append(r.explanation().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void readmeListsEveryReasonWithItsExplanation() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String begin = "<!-- REASONS:BEGIN -->\n";
        String section = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf("<!-- REASONS:END -->"));
        if (Boolean.getBoolean("update.docs")) {
            Files.writeString(Path.of("README.md"), readme.replace(begin + section, begin + table()));
            return;
        }
        assertThat(section).as("README reasons table; regenerate with -Dupdate.docs=true").isEqualTo(table());
    }
}
