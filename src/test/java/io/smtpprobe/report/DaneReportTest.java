package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server's DANE verdict shows in one line of the text report and as {@code dane} in JSON, only when evaluated. */
class DaneReportTest {

    private static final DaneOutcome NO_MATCH = new DaneOutcome(DaneOutcome.Status.NO_MATCH,
            List.of("3 1 1 0a1b2c3d4e5f6a7b…"), "the presented chain matches none of the 1 usable TLSA record(s)");

    private static ServerResult.Builder accepted() {
        return ServerResult.builder().host("mx.fabrikam.test").address("192.0.2.10").port(25).preference(10)
                .stage(Stage.Quit).reason(Reason.Accepted).reply(Reply.of(250, List.of("2.1.5 Ok")));
    }

    private static String text(ServerResult server) {
        var domain = new DomainResult("fabrikam.test", server.outcome(), server.reason(), null, List.of(), List.of(server));
        var out = new ByteArrayOutputStream();
        TextReport.print(new ProbeReport(server.outcome(), server.reason(), List.of(domain)),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTextReportHasOneDaneLineUnderTheServer() {
        assertThat(text(accepted().dane(NO_MATCH).build()))
                .contains("      DANE NO_MATCH: the presented chain matches none of the 1 usable TLSA record(s)\n");
        assertThat(text(accepted().build())).doesNotContain("DANE");
    }

    @Test
    void jsonCarriesStatusRecordsAndDetailOnlyWhenEvaluated() {
        var json = ReportJson.server(accepted().dane(NO_MATCH).build(), false);

        assertThat(json.get("dane").get("status").asText()).isEqualTo("NO_MATCH");
        assertThat(json.get("dane").get("records").get(0).asText()).isEqualTo("3 1 1 0a1b2c3d4e5f6a7b…");
        assertThat(json.get("dane").get("detail").asText()).startsWith("the presented chain matches none");
        assertThat(ReportJson.server(accepted().build(), false).has("dane")).isFalse();
    }
}
