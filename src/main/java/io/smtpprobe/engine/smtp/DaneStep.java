package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TlsMode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Puts a {@link DaneCheck}'s verdict into a finished probe's result. */
final class DaneStep {

    private final DaneCheck check;

    DaneStep(DaneCheck check) {
        this.check = check;
    }

    /**
     * Started before the first dialogue connects. Nothing to look up when TLS is off, when DANE is
     * turned off for the probe, or when the server is an address literal: TLSA records hang off names.
     */
    CompletionStage<DaneCheck.Judge> start(SmtpTarget target, ProbeOptions options) {
        if (!options.dane() || options.tlsMode() == TlsMode.Disabled || target.address() == null
                || isAddressLiteral(target.host())) {
            return null;
        }
        try {
            return check.lookup(target.host(), target.address(), target.port());
        } catch (RuntimeException e) {
            // a broken lookup must not cost the SMTP verdict: it becomes this server's DANE outcome
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits for the lookup (it has its own deadline) unless the run is cancelled, then judges the
     * chain on the dialogue's context. The chain itself goes no further than here.
     */
    Future<ServerResult> finish(ServerResult result, List<X509Certificate> chain, SmtpTarget target,
                                CompletionStage<DaneCheck.Judge> lookup, ProbeCancellation cancellation, Context context) {
        if (lookup == null || endedBeforeTls(result, chain)) {
            return Future.succeededFuture(result);
        }
        Promise<DaneOutcome> outcome = Promise.promise();
        Runnable stopListening = cancellation.onCancel(() -> context.runOnContext(v -> outcome.tryComplete(null)));
        lookup.whenComplete((judge, error) -> context.runOnContext(v -> {
            if (error != null) {
                outcome.tryComplete(new DaneOutcome(DaneOutcome.Status.LOOKUP_FAILED, List.of(),
                        "DANE lookup failed: " + error));
                return;
            }
            try {
                outcome.tryComplete(judge.judge(chain, leaf -> HostnameMatcher.matches(leaf, target.host())));
            } catch (RuntimeException e) {
                outcome.tryComplete(new DaneOutcome(DaneOutcome.Status.LOOKUP_FAILED, List.of(),
                        "DANE evaluation failed: " + e));
            }
        }));
        return outcome.future().map(dane -> {
            stopListening.run();
            return dane == null ? result : result.toBuilder().dane(dane).build();
        });
    }

    /**
     * A dialogue that failed before TLS could even be offered (no connection, no greeting, a refused
     * EHLO) says nothing about the server's TLS: DANE stays unevaluated rather than NO_MATCH.
     */
    private static boolean endedBeforeTls(ServerResult result, List<X509Certificate> chain) {
        if (!chain.isEmpty() || result.reason() == Reason.Accepted || result.stage() == null) {
            return false;
        }
        return switch (result.stage()) {
            case Connect, Banner, Ehlo, Helo -> true;
            default -> false;
        };
    }

    static boolean isAddressLiteral(String host) {
        return host == null || host.isEmpty() || host.indexOf(':') >= 0 || host.startsWith("[")
                || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
