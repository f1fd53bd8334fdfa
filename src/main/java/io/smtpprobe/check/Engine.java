package io.smtpprobe.check;

import io.smtpprobe.probe.EgressPolicy;
import io.smtpprobe.probe.ProbeRunner;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/** Placeholder until the engine and resolver land. */
final class Engine {
    private Engine() {
    }

    static ProbeRunner create(Vertx vertx, List<String> dnsServers, EgressPolicy policy, Duration dnsTimeout) {
        throw new UnsupportedOperationException("engine not wired yet");
    }
}
