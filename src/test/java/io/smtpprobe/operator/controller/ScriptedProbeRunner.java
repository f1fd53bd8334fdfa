package io.smtpprobe.operator.controller;

import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.ProbeRunner;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Replaces the real runner in {@link OperatorApplicationTest} so that no probe leaves the process. */
@Alternative
@Singleton
public class ScriptedProbeRunner implements ProbeRunner {
    // notAfter far in the future: a date near the run's own would turn CertificateExpiringSoon on as the calendar moves
    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        return CompletableFuture.completedFuture(Reports.userUnknownOverTls(request.domains().get(0), Instant.parse("2099-01-01T00:00:00Z")));
    }
}
