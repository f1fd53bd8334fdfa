package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.smtpprobe.engine.ProbeRunner;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Traces probes when OpenTelemetry is on. It is off by default ({@code quarkus.otel.sdk.disabled=true} in
 * application.properties): the chart turns it on only with an OTLP endpoint, and then every run is a trace.
 */
@Singleton
public class ProbeTracing {
    static final String INSTRUMENTATION = "io.smtpprobe";

    @Inject
    OpenTelemetry openTelemetry;

    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean disabled;

    /** The runner itself when tracing is off: not even the observer's timestamps are taken then. */
    public ProbeRunner wrap(ProbeRunner runner) {
        return disabled ? runner : new TracingProbeRunner(runner, openTelemetry.getTracer(INSTRUMENTATION), Clock.systemUTC());
    }
}
