package io.smtpprobe.operator.controller;

import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.ProbeRunner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Answers at once with a scripted report, or holds every probe open until the test completes it. */
final class FakeRunner implements ProbeRunner {
    final List<ProbeRequest> requests = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<ProbeReport>> probes = new CopyOnWriteArrayList<>();
    volatile Function<ProbeRequest, ProbeReport> answer = r -> Reports.allAccepted(r.domains().toArray(String[]::new));
    volatile boolean hold;

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        requests.add(request);
        var probe = new CompletableFuture<ProbeReport>();
        probes.add(probe);
        if (!hold) {
            probe.complete(answer.apply(request));
        }
        return probe;
    }

    int calls() {
        return requests.size();
    }
}
