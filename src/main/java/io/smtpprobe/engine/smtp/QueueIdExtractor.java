package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the queue id in the final reply to DATA, so a probe message can be traced in the server's
 * log. Each pattern is one MTA's acceptance format, as its source or documentation writes it; the
 * reply corpus (src/test/resources/replies/corpus.tsv) holds an example of each.
 */
final class QueueIdExtractor {

    /** An optional enhanced status code before the text, e.g. "2.0.0 ". */
    private static final String ENHANCED = "(?:[245]\\.\\d{1,3}\\.\\d{1,3} +)?";

    private static final List<Pattern> PATTERNS = List.of(
            // Postfix: "250 2.0.0 Ok: queued as 4Xyz" (also "Ok: 1234 bytes queued as 4Xyz" with BDAT)
            Pattern.compile("queued as ([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE),
            // Exim: "250 OK id=1tXYZ-000ABC-12"
            Pattern.compile("\\bid=([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE),
            // Gmail: "250 2.0.0 OK  1700000000 a1b2c3d4e5f6.12 - gsmtp" (timestamp, then the id)
            Pattern.compile("^" + ENHANCED + "OK +\\d+ +(\\S+) +- gsmtp", Pattern.CASE_INSENSITIVE),
            // Sendmail "250 2.0.0 4AB1c2D3012345 Message accepted for delivery"; OpenSMTPD the same with its hex id
            Pattern.compile("^" + ENHANCED + "([A-Za-z0-9]+) Message accepted", Pattern.CASE_INSENSITIVE),
            // Haraka: "250 Message Queued (5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6.1)", the transaction's UUID
            Pattern.compile("Message Queued \\(([A-Za-z0-9.-]+)\\)", Pattern.CASE_INSENSITIVE),
            // qmail: "250 ok 1700000000 qp 12345", the pid of qmail-queue, which qmail-send logs
            Pattern.compile("^ok \\d+ qp (\\d+)", Pattern.CASE_INSENSITIVE),
            // Exchange: "250 2.6.0 <id@host> [InternalId=123, Hostname=EX01] Queued mail for delivery";
            // the Message-ID is what message tracking searches by
            Pattern.compile("^" + ENHANCED + "(<[^>\\s]+>).*Queued mail for delivery", Pattern.CASE_INSENSITIVE));

    private QueueIdExtractor() {
    }

    /** The queue id of an accepted message; a refusal queued nothing, whatever id it quotes. */
    static String extract(Reply reply) {
        if (reply.code() / 100 != 2) {
            return null;
        }
        String text = reply.text();
        for (Pattern pattern : PATTERNS) {
            var matcher = pattern.matcher(text);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }
}
