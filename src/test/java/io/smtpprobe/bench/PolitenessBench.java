package io.smtpprobe.bench;

import io.smtpprobe.core.MxHost;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import io.smtpprobe.engine.DefaultProbeRunner;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.request.InputValidator;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Many domains whose mail all goes to one server, probed in one request through the real
 * {@link DefaultProbeRunner}: the per-host limit must hold however many domains share the host.
 * The server is given as a literal loopback address (as with {@code check --server}), so no DNS is
 * involved; the peer counts the connections it holds at once.
 */
final class PolitenessBench {

    private PolitenessBench() {
    }

    static String run(Vertx vertx, String server, int domains, int perHost, ProbeOptions options) throws Exception {
        List<String> names = new ArrayList<>(domains);
        for (int i = 0; i < domains; i++) {
            names.add(String.format(Locale.ROOT, "d%05d.bench.test", i));
        }
        ProbeOptions postmasterOfEachDomain = new ProbeOptions(options.ehloName(), options.mailFrom(), List.of(),
                options.dsnNotify(), options.tlsMode(), options.insecure(), options.data(), options.timeouts(),
                options.limits());
        var request = new ProbeRequest(names, List.of(InputValidator.server("server", server)), 25, MxPolicy.Preferred, postmasterOfEachDomain);
        try (var prober = new VertxSmtpProber(vertx)) {
            // loopback is what the default egress policy forbids; here it is the only allowed target
            var runner = new DefaultProbeRunner(new NoDns(), prober, EgressPolicy.unrestricted(), new HostLimiter(perHost));
            long start = System.nanoTime();
            ProbeReport report = runner.run(request).toCompletableFuture().get(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
            for (DomainResult d : report.domains()) {
                reasons.merge(d.reason(), 1, Integer::sum);
            }
            StringBuilder byReason = new StringBuilder();
            reasons.forEach((k, v) -> byReason.append(byReason.length() == 0 ? "" : ",").append('"').append(k)
                    .append("\":").append(v));
            return String.format(Locale.ROOT,
                    "{\"tool\":\"smtp-probe\",\"scenario\":\"politeness\",\"domains\":%d,\"perHost\":%d,\"seconds\":%.3f,"
                            + "\"rate\":%.1f,\"reasons\":{%s}}",
                    report.domains().size(), perHost, seconds, report.domains().size() / seconds, byReason);
        }
    }

    /** The request names its server as an address literal: a lookup would be a bug. */
    private static final class NoDns implements MxResolver {
        @Override
        public CompletionStage<MxResolution> resolve(String domain) {
            return CompletableFuture.failedFuture(new IllegalStateException("no DNS in this benchmark: " + domain));
        }

        @Override
        public CompletionStage<MxHost> resolveHost(String host, int preference) {
            return CompletableFuture.failedFuture(new IllegalStateException("no DNS in this benchmark: " + host));
        }
    }
}
