package io.smtpprobe.operator;

import io.smtpprobe.probe.ProbeReport;
import io.smtpprobe.probe.ProbeRequest;
import io.smtpprobe.probe.ProbeRunner;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Replaces the real runner in {@link OperatorApplicationTest} so that no probe leaves the process. */
@Alternative
@Singleton
public class ScriptedProbeRunner implements ProbeRunner {
    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        return CompletableFuture.completedFuture(Reports.userUnknownOverTls(request.domains().get(0), Instant.parse("2027-01-01T00:00:00Z")));
    }
}
