package io.smtpprobe.engine.sts;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.ServerResult;

import io.smtpprobe.core.TransportSecurityMode;
import io.smtpprobe.engine.ProbeObserver;
import io.smtpprobe.engine.ProbeRunner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Adds the transport-security verdict to a probe run: each domain's MTA-STS and TLS-RPT discovery
 * runs beside its dialogues, and once both are done {@link TransportSecurityEvaluator} judges the
 * servers' TLS against the policy. Requests with {@code Ignore}, and those naming servers instead
 * of domains (no MX, so no policy to hold them to), pass through untouched.
 */
public final class TransportSecurityRunner implements ProbeRunner {

    /** DANE verdicts per MX host (lower case, no trailing dot); empty until DANE lookups are wired in. */
    @FunctionalInterface
    public interface DaneOutcomes {
        Map<String, DaneOutcome> of(DomainResult domain);

        DaneOutcomes NONE = domain -> Map.of();

        /**
         * Each probed server's own DANE outcome (e.g. {@code ServerResult::dane}), by its host; the
         * first server of a host that has one speaks for it.
         */
        static DaneOutcomes perServer(java.util.function.Function<ServerResult, DaneOutcome> dane) {
            return domain -> {
                Map<String, DaneOutcome> byHost = new java.util.LinkedHashMap<>();
                for (ServerResult s : domain.servers()) {
                    DaneOutcome outcome = dane.apply(s);
                    if (outcome != null) {
                        byHost.putIfAbsent(StsPolicy.normalise(s.host()), outcome);
                    }
                }
                return byHost;
            };
        }
    }

    /** A domain's MTA-STS and TLS-RPT, as {@link StsDiscovery} finds them. */
    @FunctionalInterface
    public interface Discovery {
        CompletionStage<StsFinding> discover(String domain);
    }

    private final ProbeRunner dialogues;
    private final Discovery discovery;
    private final DaneOutcomes dane;
    private final Clock clock;

    public TransportSecurityRunner(ProbeRunner dialogues, Discovery discovery, DaneOutcomes dane, Clock clock) {
        this.dialogues = dialogues;
        this.discovery = discovery;
        this.dane = dane;
        this.clock = clock;
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        return run(request, dialogues.run(request));
    }

    /** The observer (tracing) sees the dialogues; discovery and the verdict are this layer's own. */
    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
        return run(request, dialogues.run(request, observer));
    }

    private CompletionStage<ProbeReport> run(ProbeRequest request, CompletionStage<ProbeReport> dialogueRun) {
        if (request.transportSecurity() != TransportSecurityMode.Evaluate || !request.servers().isEmpty()
                || request.domains().isEmpty()) {
            return dialogueRun;
        }
        long deadlineMs = request.runDeadline().toMillis();
        List<CompletableFuture<StsFinding>> findings = new ArrayList<>();
        for (String domain : request.domains()) {
            findings.add(discovery.discover(domain).toCompletableFuture()
                    // discovery has its own per-query and fetch limits; this only bounds it by the run's
                    .completeOnTimeout(null, deadlineMs, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null));
        }
        CompletableFuture<ProbeReport> probed = dialogueRun.toCompletableFuture();
        // a domain that cannot be judged (DNS failed, cut short) does not wait for its discovery
        CompletableFuture<ProbeReport> judged = probed.thenCompose(report ->
                CompletableFuture.allOf(evaluable(report, findings).toArray(CompletableFuture[]::new))
                        .thenApply(v -> judge(report, request, findings)));
        judged.whenComplete((r, e) -> {
            // cancelling the run cancels the dialogues, as it would without this layer
            if (judged.isCancelled()) {
                probed.cancel(true);
            }
        });
        return judged;
    }

    private static List<CompletableFuture<StsFinding>> evaluable(ProbeReport report, List<CompletableFuture<StsFinding>> findings) {
        List<CompletableFuture<StsFinding>> wanted = new ArrayList<>();
        for (int i = 0; i < report.domains().size() && i < findings.size(); i++) {
            if (evaluable(report.domains().get(i))) {
                wanted.add(findings.get(i));
            }
        }
        return wanted;
    }

    private ProbeReport judge(ProbeReport report, ProbeRequest request, List<CompletableFuture<StsFinding>> findings) {
        List<DomainResult> domains = new ArrayList<>();
        for (int i = 0; i < report.domains().size(); i++) {
            DomainResult d = report.domains().get(i);
            StsFinding sts = i < findings.size() && evaluable(d) ? findings.get(i).join() : null;
            domains.add(sts != null ? d.withTransportSecurity(TransportSecurityEvaluator.evaluate(
                    d, sts, dane.of(d), request.options().tlsMode(), clock.instant())) : d);
        }
        return worst(domains).withWarnings(report.warnings()).withTruncated(report.truncated());
    }

    /** A domain whose MX hosts are known and that was not cut short by the run deadline. */
    private static boolean evaluable(DomainResult d) {
        return !d.mx().isEmpty() && !d.notFinished();
    }

    /** The worst domain decides, the first of equals, as for the run without this layer. */
    private static ProbeReport worst(List<DomainResult> domains) {
        DomainResult worst = null;
        for (DomainResult d : domains) {
            if (worst == null || d.result().ordinal() > worst.result().ordinal()) {
                worst = d;
            }
        }
        return worst == null
                ? new ProbeReport(io.smtpprobe.core.Outcome.Success, io.smtpprobe.core.Reason.Accepted, domains)
                : new ProbeReport(worst.result(), worst.reason(), domains);
    }

}
