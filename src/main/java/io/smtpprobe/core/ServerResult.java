package io.smtpprobe.core;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one dialogue with one server.
 *
 * @param stage         the last stage reached (where it stopped on failure)
 * @param reply         the last reply that decided the reason; null when none was read
 * @param extensions    EHLO keywords with their parameters, e.g. "SIZE 10240000"
 * @param dsnSupported  whether the server advertised DSN; NOTIFY is only sent when true
 * @param queueId       the server's queue id from the final DATA reply, when DATA ran
 * @param detail        a short sanitised note for failures without a reply (e.g. "line exceeded 2048 bytes")
 * @param latencyMs     milliseconds spent per stage
 */
public record ServerResult(
        String host,
        String address,
        int port,
        Integer preference,
        Stage stage,
        Reply reply,
        Reason reason,
        List<String> extensions,
        boolean dsnSupported,
        TlsInfo tls,
        String queueId,
        String detail,
        Map<Stage, Long> latencyMs,
        List<TranscriptLine> transcript) {

    public Outcome outcome() {
        return reason.outcome(reply);
    }
}
