package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both renderers show the request's warnings, and say nothing when there are none. */
class ReportWarningsTest {
    static final String WARNING = "domain label 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)";
    static final ProbeReport WARNED = new ProbeReport(Outcome.Success, Reason.Accepted, List.of(), List.of(WARNING));
    static final ProbeReport PLAIN = new ProbeReport(Outcome.Success, Reason.Accepted, List.of());

    @Test
    void jsonHasAWarningsArrayOnlyWhenThereAreWarnings() {
        assertThat(ReportJson.report(WARNED, true).get("warnings")).hasSize(1);
        assertThat(ReportJson.report(WARNED, true).get("warnings").get(0).asText()).isEqualTo(WARNING);
        assertThat(ReportJson.report(PLAIN, true).has("warnings")).isFalse();
    }

    @Test
    void textHasAWarningLineInTheSummary() {
        assertThat(text(WARNED)).contains("=== Summary\nwarning: " + WARNING + "\n");
        assertThat(text(PLAIN)).doesNotContain("warning");
    }

    private static String text(ProbeReport report) {
        var out = new ByteArrayOutputStream();
        TextReport.print(report, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
