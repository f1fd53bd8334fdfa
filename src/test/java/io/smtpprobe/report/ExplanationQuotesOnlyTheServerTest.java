package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.core.TranscriptLine.Direction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A mail admin compares the report with the server's log: every code in it must be one the server
 * sent. The reasons' explanations therefore name no reply code, and the reply is quoted as sent.
 */
class ExplanationQuotesOnlyTheServerTest {
    private static final Pattern REPLY_CODE = Pattern.compile("\\b[2-5]\\d\\d\\b");
    private static final Pattern ENHANCED_CODE = Pattern.compile("\\b[245x]\\.\\d{1,3}\\.\\d{1,3}\\b", Pattern.CASE_INSENSITIVE);

    @Test
    void aRecipientRefusedWithoutAnEnhancedCodeIsReportedWithoutOne() {
        Reply reply = Reply.of(550, List.of("No such user here"));
        var server = new ServerResult("mx.example.test", "192.0.2.1", 25, 10, Stage.RcptTo, reply, Reason.RecipientUnknown,
                List.of(), false, null, null, null, Map.of(), List.of(
                        new TranscriptLine(Direction.Server, "220 mx.example.test ESMTP"),
                        new TranscriptLine(Direction.Client, "RCPT TO:<nobody@example.test>"),
                        new TranscriptLine(Direction.Server, "550 No such user here")));
        var domain = new DomainResult("example.test", server.outcome(), server.reason(), null, List.of(), List.of(server));
        var report = new ProbeReport(server.outcome(), server.reason(), List.of(domain));

        var text = new ByteArrayOutputStream();
        TextReport.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        String json = ReportJson.toJson(ReportJson.report(report, true));

        assertThat(printed).contains("RCPT 550 No such user here", Reason.RecipientUnknown.explanation()).doesNotContain("5.1.1");
        assertThat(json).contains("No such user here", "RecipientUnknown").doesNotContain("5.1.1");
        assertThat(Findings.summary(report)).isEqualTo("example.test: mx.example.test (192.0.2.1:25) RCPT 550 No such user here");
    }

    @Test
    void noExplanationOfAReplyNamesAReplyCodeTheServerMayNotHaveSent() {
        var replyReasons = Arrays.stream(Reason.values()).filter(Reason::replyBased).toList();

        assertThat(replyReasons).allSatisfy(r -> {
            assertThat(REPLY_CODE.matcher(r.explanation()).find()).as("%s: %s", r, r.explanation()).isFalse();
            assertThat(ENHANCED_CODE.matcher(r.explanation()).find()).as("%s: %s", r, r.explanation()).isFalse();
        });
    }
}
