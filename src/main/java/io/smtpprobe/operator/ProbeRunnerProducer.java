package io.smtpprobe.operator;

import io.smtpprobe.probe.ProbeRunner;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/**
 * TODO(probe layer): placeholder until the real ProbeRunner producer lands; replace this class.
 * Every probe fails with ProbeError so that a build without the probe layer is visibly unfinished
 * rather than silently green.
 */
public class ProbeRunnerProducer {
    @Produces
    @Singleton
    ProbeRunner probeRunner() {
        return request -> CompletableFuture.failedFuture(
                new UnsupportedOperationException("TODO: no ProbeRunner implementation is wired yet"));
    }
}
