package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import java.util.List;
import java.util.regex.Pattern;

/** Finds the queue id in the final reply to DATA, so a probe message can be traced in the server's log. */
final class QueueIdExtractor {

    private static final List<Pattern> PATTERNS = List.of(
            // Postfix: "250 2.0.0 Ok: queued as 4Xyz"
            Pattern.compile("queued as ([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE),
            // Exim: "250 OK id=1abcde-000001-AB"
            Pattern.compile("\\bid=([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE),
            // Sendmail: "250 2.0.0 4AB1c2D3012345 Message accepted for delivery"
            Pattern.compile("^(?:[245]\\.\\d{1,3}\\.\\d{1,3} )?([A-Za-z0-9]+) Message accepted", Pattern.CASE_INSENSITIVE),
            // Microsoft: "250 2.6.0 <id@host> [InternalId=123] Queued mail for delivery"
            Pattern.compile("^(?:[245]\\.\\d{1,3}\\.\\d{1,3} )?(<[^>\\s]+>)", Pattern.CASE_INSENSITIVE));

    private QueueIdExtractor() {
    }

    static String extract(Reply reply) {
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
