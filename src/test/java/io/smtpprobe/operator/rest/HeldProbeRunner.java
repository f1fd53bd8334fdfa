package io.smtpprobe.operator.rest;

import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.engine.ProbeRunner;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replaces the engine in the API's access tests: a domain starting with {@code held} is a probe that runs
 * until the test lets it go (or the API cancels it); any other answers Accepted at once. Nothing leaves the process.
 */
@Alternative
@Singleton
public class HeldProbeRunner implements ProbeRunner {
    static final List<CompletableFuture<ProbeReport>> HELD = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        var accepted = new ProbeReport(Outcome.Success, Reason.Accepted, List.of(), List.of());
        if (request.domains().stream().anyMatch(d -> d.startsWith("held"))) {
            var run = new CompletableFuture<ProbeReport>();
            HELD.add(run);
            return run;
        }
        return CompletableFuture.completedFuture(accepted);
    }

    static void releaseAll() {
        HELD.forEach(f -> f.complete(new ProbeReport(Outcome.Success, Reason.Accepted, List.of(), List.of())));
        HELD.clear();
    }
}
