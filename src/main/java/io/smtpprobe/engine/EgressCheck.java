package io.smtpprobe.engine;

import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells "every remote server is down" from "we cannot get out". When connections to several
 * domains fail within a short window, a control target the operator trusts to answer (a mail
 * server of their own, or a big provider's MX) is probed; if it fails too, those failures are
 * {@link Reason#EgressBlocked}, our side, instead of blaming each remote server. The egress policy
 * does not apply to the control target: only the operator's administrator names it.
 *
 * <p>One control probe serves a burst: its result is kept for {@link Settings#cacheFor()}, and
 * while a kept result says the target is unreachable every connect failure is judged by it, even
 * below the threshold.
 */
public final class EgressCheck {

    /**
     * @param target         host (name or address) and port of the control target
     * @param failingDomains distinct domains whose servers all failed to connect within {@code window}
     *                       before the control target is probed; 1 probes it on the first failure
     * @param timeout        deadline of the control probe: TCP connect plus a 220 banner
     */
    public record Settings(HostPort target, int failingDomains, Duration window, Duration cacheFor, Duration timeout) {
        public Settings {
            if (target == null || target.port() == null) {
                throw new IllegalArgumentException("the control target needs a host and a port");
            }
            if (failingDomains < 1) {
                throw new IllegalArgumentException("failing domains must be at least 1");
            }
        }

        /** {@code check}: the user named the target, so the first failure is worth one control probe. */
        public static Settings forCheck(HostPort target, Duration timeout) {
            return new Settings(target, 1, Duration.ofMinutes(1), Duration.ofMinutes(1), timeout);
        }
    }

    /** Connects to the target and reads its greeting: null when it answered 220, else why not. */
    @FunctionalInterface
    public interface ControlProbe {
        CompletionStage<String> failure(HostPort target, Duration timeout);
    }

    private final Settings settings;
    private final ControlProbe probe;
    private final Clock clock;
    private final Map<String, Instant> failedAt = new HashMap<>();
    private Verdict kept;
    private CompletableFuture<Optional<String>> inFlight;

    private record Verdict(Instant at, Optional<String> failure) {
    }

    public EgressCheck(Settings settings, ControlProbe probe, Clock clock) {
        this.settings = settings;
        this.probe = probe;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    static boolean isConnectFailure(ServerResult result) {
        return result != null && (result.reason() == Reason.ConnectRefused || result.reason() == Reason.ConnectTimeout
                || result.reason() == Reason.ConnectFailed);
    }

    /**
     * True when the domain's servers failed to connect and none was reached: a single server that
     * answered proves that connections get out. Servers without an address or denied by policy
     * were never tried, so they say nothing either way.
     */
    static boolean reachedNoServer(List<ServerResult> servers) {
        boolean connectFailed = false;
        for (ServerResult s : servers) {
            if (isConnectFailure(s)) {
                connectFailed = true;
            } else if (s.stage() != Stage.Dns && s.reason() != Reason.PolicyBlocked) {
                return false;
            }
        }
        return connectFailed;
    }

    /** The servers of a domain that could reach none, with its connect failures rewritten when egress is blocked. */
    CompletionStage<List<ServerResult>> judge(String domain, List<ServerResult> servers) {
        return controlFailure(domain).thenApply(failure -> failure.isEmpty() ? servers
                : servers.stream().map(s -> isConnectFailure(s) ? blocked(s, failure.get()) : s).toList());
    }

    /** Empty while egress is not in doubt or the control target answers; else the control target's failure. */
    CompletionStage<Optional<String>> controlFailure(String domain) {
        CompletableFuture<Optional<String>> started;
        synchronized (this) {
            Instant now = clock.instant();
            failedAt.put(domain == null ? "" : domain, now);
            failedAt.values().removeIf(at -> at.isBefore(now.minus(settings.window())));
            if (kept != null && !now.isAfter(kept.at().plus(settings.cacheFor()))) {
                return CompletableFuture.completedFuture(kept.failure());
            }
            if (inFlight != null) {
                return inFlight;
            }
            if (failedAt.size() < settings.failingDomains()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            started = new CompletableFuture<>();
            inFlight = started;
        }
        CompletionStage<String> control;
        try {
            control = probe.failure(settings.target(), settings.timeout());
        } catch (RuntimeException e) {
            control = CompletableFuture.failedFuture(e);
        }
        control.whenComplete((failure, error) -> {
            // a control probe that broke tells nothing about egress: the remote reasons stand
            Optional<String> verdict = error != null ? Optional.empty() : Optional.ofNullable(failure);
            synchronized (this) {
                kept = error != null ? null : new Verdict(clock.instant(), verdict);
                inFlight = null;
            }
            started.complete(verdict);
        });
        return started;
    }

    private ServerResult blocked(ServerResult server, String controlFailure) {
        String own = server.detail() == null ? server.reason().name() : server.reason() + ": " + server.detail();
        return server.toBuilder().reason(Reason.EgressBlocked)
                .detail(ServerText.detail("our side: the control target " + settings.target().text()
                        + " is unreachable too (" + controlFailure + "), outbound SMTP is blocked or the network is down; this server: " + own))
                .build();
    }
}
