package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Runs the operator for the life of the application: started on StartupEvent, stopped gracefully on ShutdownEvent. */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    KubernetesClient client;
    @Inject
    ProbeRunner runner;
    @Inject
    MeterRegistry registry;
    @Inject
    OperatorConfig config;
    @Inject
    HostLimiter hostLimiter;

    private volatile OperatorRuntime runtime;

    void onStart(@Observes StartupEvent event) {
        if (!config.operator().enabled()) {
            LOG.info("operator disabled (smtpprobe.operator.enabled=false): not watching SmtpProbe resources");
            return;
        }
        // Exiting hands the replica to Kubernetes, which restarts it as a standby.
        var started = new OperatorRuntime(client, runner, config, registry, () -> Quarkus.asyncExit(1), hostLimiter);
        runtime = started;
        started.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        var running = runtime;
        if (running != null) {
            running.close();
        }
    }

    public boolean enabled() {
        return config.operator().enabled();
    }

    public Optional<OperatorRuntime> runtime() {
        return Optional.ofNullable(runtime);
    }

    /** The watched resources, for the REST API; empty when the operator is disabled. */
    public Optional<SmtpProbeCatalog> catalog() {
        return Optional.ofNullable(runtime);
    }

    public LatestResults results() {
        var running = runtime;
        return running == null ? new LatestResults() : running.results();
    }
}
