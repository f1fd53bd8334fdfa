package io.smtpprobe.engine;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.engine.smtp.ProbeCancellation;
import io.smtpprobe.engine.smtp.SmtpProber;
import io.smtpprobe.engine.smtp.SmtpTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One dialogue with one address: egress policy, then the per-server limit, then the prober, under a watchdog. */
final class ServerProbe {

    private static final long WATCHDOG_SLACK_MS = 5_000;
    private static final System.Logger LOG = System.getLogger(ServerProbe.class.getName());

    private final SmtpProber prober;
    private final EgressPolicy policy;
    private final HostLimiter hostLimiter;

    ServerProbe(SmtpProber prober, EgressPolicy policy, HostLimiter hostLimiter) {
        this.prober = prober;
        this.policy = policy;
        this.hostLimiter = hostLimiter;
    }

    /**
     * The dialogue's result; null when the run deadline passed before it could start (it waited
     * for the server's permit), so nothing was tried.
     */
    CompletionStage<ServerResult> probe(Attempt a, ProbeOptions requested, RunDeadline deadline,
                                        ProbeCancellation cancellation, ProbeObserver observer) {
        if (a.address() == null) {
            // a host whose address lookup failed or went unanswered may well exist: an MTA retries it later
            DnsStatus error = a.host().addressError();
            Reason reason = error == DnsStatus.Timeout ? Reason.DnsTimeout
                    : error == DnsStatus.ServerFailure ? Reason.DnsServerFailure
                    : Reason.MxHostNotFound;
            return CompletableFuture.completedFuture(a.synthetic(Stage.Dns, reason,
                    "no address for " + a.host().host() + (error != null ? " (" + error + ")" : "")));
        }
        var forbidden = policy.violation(a.address(), a.port());
        if (forbidden.isPresent()) {
            // the address stays in the operator's log: status and REST answers name only the rule
            LOG.log(System.Logger.Level.DEBUG, "{0} resolved to {1} port {2}: {3}",
                    a.host().host(), a.address().getHostAddress(), a.port(), forbidden.get());
            return CompletableFuture.completedFuture(a.withoutAddress().synthetic(Stage.Connect, Reason.PolicyBlocked, forbidden.get()));
        }
        String key = a.address().getHostAddress() + "|" + a.port();
        return hostLimiter.acquire(key).thenCompose(release -> {
            if (deadline.passed()) {
                release.run();
                return CompletableFuture.completedFuture(null);
            }
            ProbeOptions options = deadline.clamp(requested);
            CompletableFuture<ServerResult> result = new CompletableFuture<>();
            // The engine enforces its own deadlines; this watchdog only makes sure that a bug there
            // can never keep the host permit (and every later probe of that server) forever.
            long watchdogMs = options.timeouts().total().multipliedBy(SmtpProber.MAX_DIALOGUES)
                    .plus(options.timeouts().connect()).toMillis() + WATCHDOG_SLACK_MS;
            result.orTimeout(watchdogMs, TimeUnit.MILLISECONDS);
            try {
                prober.probe(new SmtpTarget(a.host().host(), a.address(), a.port(), a.preference()), options, cancellation, observer)
                        .onComplete(ar -> result.complete(ar.succeeded() ? ar.result()
                                : a.synthetic(Stage.Connect, Reason.InternalError, "probe failed: " + ar.cause())));
            } catch (RuntimeException e) {
                result.complete(a.synthetic(Stage.Connect, Reason.InternalError, "probe failed: " + e));
            }
            // Released before the caller sees the result, so its next probe of this server never waits on us.
            return result.whenComplete((r, e) -> release.run()).exceptionally(e -> a.synthetic(Stage.Connect, Reason.InternalError,
                    "the probe did not finish within " + watchdogMs + " ms"));
        });
    }
}
