package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TranscriptLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Opportunistic TLS whose handshake failed is tried once more in plaintext on a new connection, as a
 * sending MTA does (Postfix {@code smtp_tls_security_level = may}): a server with broken TLS still
 * gets its mail, so its verdict is the plaintext dialogue's, with the failed TLS attempt on record.
 * Required and implicit TLS never fall back: plaintext is what they exist to refuse.
 *
 * <p>The retry is a whole new dialogue with its own per-phase and total deadlines, so a probe with a
 * retry takes at most {@link SmtpProber#MAX_DIALOGUES} times the total deadline.
 */
final class PlaintextRetry {

    private PlaintextRetry() {
    }

    /** Only a handshake that failed after the server's 220 to STARTTLS; a refused STARTTLS is a reply verdict. */
    static boolean applies(TlsMode mode, ServerResult first) {
        return mode == TlsMode.Opportunistic
                && first.reason() == Reason.TlsHandshakeFailed
                && first.stage() == Stage.StartTls;
    }

    /** The plaintext attempt's result, saying why TLS failed, with both dialogues in its transcript. */
    static ServerResult combine(ServerResult tlsAttempt, ServerResult plaintextAttempt) {
        List<TranscriptLine> transcript = new ArrayList<>(tlsAttempt.transcript());
        transcript.add(new TranscriptLine(TranscriptLine.Direction.Event,
                "retrying without TLS on a new connection (opportunistic TLS, as a sending MTA does)"));
        transcript.addAll(plaintextAttempt.transcript());
        return plaintextAttempt.toBuilder()
                .tlsFallback(new ServerResult.TlsFallback(tlsAttempt.stage(), tlsAttempt.reason(), tlsAttempt.detail()))
                .transcript(List.copyOf(transcript))
                .build();
    }
}
