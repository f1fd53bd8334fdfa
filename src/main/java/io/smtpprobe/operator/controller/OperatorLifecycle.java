package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.config.OperatorSettings;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smtpprobe.request.Durations;
import io.smtpprobe.engine.ProbeRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Builds the operator from the {@code smtpprobe.*} settings and runs it for the life of the application. */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    KubernetesClient client;
    @Inject
    ProbeRunner runner;
    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "smtpprobe.operator.enabled", defaultValue = "true")
    boolean enabled;
    @ConfigProperty(name = "smtpprobe.watch-namespaces")
    Optional<List<String>> watchNamespaces;
    @ConfigProperty(name = "smtpprobe.max-concurrent-probes", defaultValue = "10")
    int maxConcurrentProbes;
    @ConfigProperty(name = "smtpprobe.min-interval", defaultValue = "30s")
    String minInterval;
    @ConfigProperty(name = "smtpprobe.schedule-jitter", defaultValue = "0.1")
    double jitter;
    @ConfigProperty(name = "smtpprobe.default-ehlo-name", defaultValue = "smtp-probe.invalid")
    String defaultEhloName;
    @ConfigProperty(name = "smtpprobe.default-mail-from", defaultValue = "")
    Optional<String> defaultMailFrom;
    @ConfigProperty(name = "smtpprobe.status-write-attempts", defaultValue = "3")
    int statusWriteAttempts;
    @ConfigProperty(name = "smtpprobe.status-writers", defaultValue = "8")
    int statusWriters;
    @ConfigProperty(name = "smtpprobe.leader-election.enabled", defaultValue = "true")
    boolean leaderElection;
    @ConfigProperty(name = "smtpprobe.leader-election.lease-name", defaultValue = "smtp-probe-operator")
    String leaseName;
    @ConfigProperty(name = "smtpprobe.leader-election.namespace")
    Optional<String> leaseNamespace;
    @ConfigProperty(name = "smtpprobe.leader-election.identity")
    Optional<String> identity;
    @ConfigProperty(name = "smtpprobe.leader-election.lease-duration", defaultValue = "15s")
    String leaseDuration;
    @ConfigProperty(name = "smtpprobe.leader-election.renew-deadline", defaultValue = "10s")
    String renewDeadline;
    @ConfigProperty(name = "smtpprobe.leader-election.retry-period", defaultValue = "2s")
    String retryPeriod;

    private final LatestResults results = new LatestResults();
    private volatile SmtpProbeOperator operator;
    private ScheduledExecutorService control;
    private ExecutorService publisher;
    private OperatorSettings settings;

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("operator disabled (smtpprobe.operator.enabled=false): not watching SmtpProbe resources");
            return;
        }
        settings = settings();
        control = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "smtpprobe-control");
            thread.setDaemon(true);
            return thread;
        });
        publisher = StatusPublisher.writerPool(settings.statusWriters());
        var clock = Clock.systemUTC();
        var holder = new SmtpProbeOperator[1];
        var reconciler = new SmtpProbeReconciler(runner, control, publisher, clock, settings, new Schedule(new Random(), settings.jitter()),
                new StatusWriter(client, settings.statusRetries()), new ProbeEvents(client, clock), new ProbeMetrics(registry),
                results, key -> holder[0].get(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)));
        holder[0] = new SmtpProbeOperator(client, settings, reconciler);
        operator = holder[0];
        operator.start();
        LOG.infof("operator started: namespaces=%s leaderElection=%s", settings.watchNamespaces().isEmpty() ? "all"
                : settings.watchNamespaces(), settings.leaderElection());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (operator != null) {
            operator.close();
        }
        if (control != null) {
            control.shutdownNow();
        }
        if (publisher != null) {
            publisher.shutdownNow();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public Optional<SmtpProbeOperator> operator() {
        return Optional.ofNullable(operator);
    }

    public LatestResults results() {
        return results;
    }

    /** The pod name; replicas without one must still differ, or both would think they hold the lease. */
    static String defaultIdentity() {
        return Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
                .orElseGet(() -> "smtp-probe-operator-" + java.util.UUID.randomUUID());
    }

    OperatorSettings settings() {
        String podNamespace = Optional.ofNullable(client.getNamespace()).orElse("default");
        return new OperatorSettings(watchNamespaces.orElse(List.of()), maxConcurrentProbes, Durations.parse("smtpprobe.min-interval", minInterval), jitter,
                defaultEhloName, defaultMailFrom.orElse(""), statusWriteAttempts, statusWriters, leaderElection, leaseName,
                leaseNamespace.orElse(podNamespace),
                identity.orElseGet(OperatorLifecycle::defaultIdentity),
                Durations.parse("smtpprobe.leader-election.lease-duration", leaseDuration),
                Durations.parse("smtpprobe.leader-election.renew-deadline", renewDeadline),
                Durations.parse("smtpprobe.leader-election.retry-period", retryPeriod));
    }

}
