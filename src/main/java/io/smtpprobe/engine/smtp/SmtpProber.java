package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ProbeOptions;
import io.vertx.core.Future;

/** Runs one complete probe of a server. The returned future always succeeds: failures are results. */
public interface SmtpProber {

    /**
     * Dialogues one probe may run, each within the total deadline: an opportunistic TLS handshake
     * that fails is retried once in plaintext. Whoever waits for a probe waits this many total deadlines.
     */
    int MAX_DIALOGUES = 2;

    Future<ServerResult> probe(SmtpTarget target, ProbeOptions options);

    /**
     * A probe that stops when {@code cancellation} fires: a dialogue in progress closes its socket
     * at once (after a best-effort QUIT) and the future succeeds with a result nobody uses.
     * Probers without sockets of their own need not listen.
     */
    default Future<ServerResult> probe(SmtpTarget target, ProbeOptions options, ProbeCancellation cancellation) {
        return probe(target, options);
    }

    /** The same probe, each dialogue told to an observer of its own; probers that cannot tell simply probe. */
    default Future<ServerResult> probe(SmtpTarget target, ProbeOptions options, ProbeCancellation cancellation,
                                       DialogueObserver.Factory observers) {
        return probe(target, options, cancellation);
    }
}
