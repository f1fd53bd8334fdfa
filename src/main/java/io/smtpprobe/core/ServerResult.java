package io.smtpprobe.core;

import java.time.Duration;
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
 * @param greylistRetriedAfter set when the server greylisted a first dialogue and this result is
 *                      the second, made on a new connection after this delay (the transcript holds
 *                      both); null when no retry was made
 * @param tlsFallback   set when this is the plaintext retry after an opportunistic TLS handshake
 *                      failed: why the TLS attempt failed (the transcript holds both attempts)
 * @param dane          what RFC 7672 DANE says about this host's TLSA records and the chain it presented;
 *                      null when DANE was not evaluated (turned off, TLS disabled, or an address literal)
 *
 * <p>Seventeen positional components are easy to swap unnoticed, so results are made with
 * {@link #builder()} and changed with {@link #toBuilder()}.
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
        List<TranscriptLine> transcript,
        Duration greylistRetriedAfter,
        TlsFallback tlsFallback,
        DaneOutcome dane) {

    /**
     * The first, TLS attempt of a probe that was then retried without TLS, as a sending MTA does at
     * {@code smtp_tls_security_level=may}.
     *
     * @param stage  where the TLS attempt stopped
     * @param detail why its handshake failed, sanitised
     */
    public record TlsFallback(Stage stage, Reason reason, String detail) {
    }

    /** A result of a single dialogue: no greylist retry, no plaintext retry. */
    public ServerResult(String host, String address, int port, Integer preference, Stage stage, Reply reply,
                        Reason reason, List<String> extensions, boolean dsnSupported, TlsInfo tls, String queueId,
                        String detail, Map<Stage, Long> latencyMs, List<TranscriptLine> transcript) {
        this(host, address, port, preference, stage, reply, reason, extensions, dsnSupported, tls, queueId, detail,
                latencyMs, transcript, null, null, null);
    }

    /** A result without a DANE evaluation. */
    public ServerResult(String host, String address, int port, Integer preference, Stage stage, Reply reply,
                        Reason reason, List<String> extensions, boolean dsnSupported, TlsInfo tls, String queueId,
                        String detail, Map<Stage, Long> latencyMs, List<TranscriptLine> transcript,
                        Duration greylistRetriedAfter, TlsFallback tlsFallback) {
        this(host, address, port, preference, stage, reply, reason, extensions, dsnSupported, tls, queueId, detail,
                latencyMs, transcript, greylistRetriedAfter, tlsFallback, null);
    }

    public Outcome outcome() {
        return reason.outcome(reply);
    }

    /** Empty extensions, latencies and transcript; everything else unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this result's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().host(host).address(address).port(port).preference(preference).stage(stage)
                .reply(reply).reason(reason).extensions(extensions).dsnSupported(dsnSupported).tls(tls)
                .queueId(queueId).detail(detail).latencyMs(latencyMs).transcript(transcript)
                .greylistRetriedAfter(greylistRetriedAfter)
                .tlsFallback(tlsFallback)
                .dane(dane);
    }

    public static final class Builder {
        private String host;
        private String address;
        private int port;
        private Integer preference;
        private Stage stage;
        private Reply reply;
        private Reason reason;
        private List<String> extensions = List.of();
        private boolean dsnSupported;
        private TlsInfo tls;
        private String queueId;
        private String detail;
        private Map<Stage, Long> latencyMs = Map.of();
        private List<TranscriptLine> transcript = List.of();
        private Duration greylistRetriedAfter;
        private TlsFallback tlsFallback;
        private DaneOutcome dane;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder preference(Integer preference) {
            this.preference = preference;
            return this;
        }

        public Builder stage(Stage stage) {
            this.stage = stage;
            return this;
        }

        public Builder reply(Reply reply) {
            this.reply = reply;
            return this;
        }

        public Builder reason(Reason reason) {
            this.reason = reason;
            return this;
        }

        public Builder extensions(List<String> extensions) {
            this.extensions = extensions;
            return this;
        }

        public Builder dsnSupported(boolean dsnSupported) {
            this.dsnSupported = dsnSupported;
            return this;
        }

        public Builder tls(TlsInfo tls) {
            this.tls = tls;
            return this;
        }

        public Builder queueId(String queueId) {
            this.queueId = queueId;
            return this;
        }

        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        public Builder latencyMs(Map<Stage, Long> latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder transcript(List<TranscriptLine> transcript) {
            this.transcript = transcript;
            return this;
        }

        public Builder greylistRetriedAfter(Duration delay) {
            this.greylistRetriedAfter = delay;
            return this;
        }

        public Builder tlsFallback(TlsFallback tlsFallback) {
            this.tlsFallback = tlsFallback;
            return this;
        }

        public Builder dane(DaneOutcome dane) {
            this.dane = dane;
            return this;
        }

        public ServerResult build() {
            return new ServerResult(host, address, port, preference, stage, reply, reason, extensions, dsnSupported,
                    tls, queueId, detail, latencyMs, transcript, greylistRetriedAfter, tlsFallback, dane);
        }
    }
}
