package io.smtpprobe.operator.page;

import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.operator.controller.Reports;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Replaces the engine in {@link StatusPageTest}: one answer per domain, so that the page shows an
 * acceptance over TLS, an NXDOMAIN, and a server whose reply text is markup.
 */
@Alternative
@Singleton
public class PageProbeRunner implements ProbeRunner {
    static final String HOSTILE_TEXT = "5.1.1 <script>document.title='pwned'</script> <b>no</b> such user";

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        String domain = request.domains().get(0);
        ProbeReport report;
        if (domain.startsWith("nosuch")) {
            report = Reports.report(Reports.dnsFailure(domain, Reason.DnsNameNotFound));
        } else if (domain.startsWith("hostile")) {
            var server = new ServerResult("mx." + domain, "127.0.0.1", 25, 10, Stage.RcptTo, Reply.of(550, List.of(HOSTILE_TEXT)),
                    Reason.RecipientUnknown, List.of("PIPELINING"), false, null, null, null, Map.of(Stage.Connect, 2L, Stage.RcptTo, 5L),
                    List.of(new TranscriptLine(TranscriptLine.Direction.Client, "RCPT TO:<nobody@" + domain + ">"),
                            new TranscriptLine(TranscriptLine.Direction.Server, "550 " + HOSTILE_TEXT)));
            report = Reports.report(Reports.domain(domain, server));
        } else {
            report = Reports.userUnknownOverTls(domain, Instant.parse("2099-01-01T00:00:00Z"));
        }
        return CompletableFuture.completedFuture(report);
    }
}
