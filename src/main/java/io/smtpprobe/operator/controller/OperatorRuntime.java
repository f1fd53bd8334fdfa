package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.operator.config.OperatorConfig;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.status.DiagnosisConditions;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import io.smtpprobe.operator.status.StatusBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The operator on the Java Operator SDK: one controller for SmtpProbe, its informer, retry, rate
 * limit and leader election, wired the same way in production ({@link OperatorLifecycle}) and in tests.
 *
 * <p>Wired by hand rather than through {@code io.quarkiverse.operatorsdk:quarkus-operator-sdk}: the
 * newest release available here, 7.3.0, is built for Quarkus 3.29 and JOSDK 5.1.4, and against this
 * project's Quarkus 3.33.2 its build step {@code AddNamespaceEnvVarBuildStep} fails with a
 * {@code NoSuchMethodError} on {@code KubernetesEnvBuildItem.createSimpleVar}.
 *
 * <p>Informers run on every replica (the REST API and readiness use their cache); the SDK processes
 * events only on the Lease holder.
 */
public final class OperatorRuntime implements SmtpProbeCatalog, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OperatorRuntime.class);
    /** Long enough for a healthy API server to take the results already in, short against a pod's grace period. */
    static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(5);
    /** The longest wait between two attempts of a failed reconciliation. */
    static final Duration RETRY_MAX_INTERVAL = Duration.ofSeconds(10);
    /**
     * Reconciliations per resource and second. A probe cycle takes three (start, completion, due), so
     * this only stops a loop, such as one reacting to its own writes, from flooding the API server.
     */
    static final int RECONCILIATIONS_PER_SECOND = 30;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final ProbeCycles cycles;
    private final SmtpProbeReconciler reconciler;
    private final StatusWriter writer;
    private final LatestResults results = new LatestResults();
    private final String identity;
    private final String leaseNamespace;
    private final Runnable onLeaseLost;
    private final Operator operator;
    private volatile boolean stopping;

    /**
     * @param onLeaseLost what a replica does once it stopped probing because another took its lease:
     *                    in production it exits, as the SDK's own leader election would, and Kubernetes
     *                    restarts it as a standby
     */
    public OperatorRuntime(KubernetesClient client, ProbeRunner runner, OperatorConfig config, MeterRegistry registry,
            Runnable onLeaseLost) {
        this.client = client;
        this.config = config;
        this.onLeaseLost = onLeaseLost;
        this.identity = config.leaderElection().identity().filter(s -> !s.isBlank()).orElseGet(OperatorRuntime::defaultIdentity);
        this.leaseNamespace = config.leaderElection().namespace().filter(s -> !s.isBlank())
                .orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
        var clock = Clock.systemUTC();
        var gate = new ProbeGate(config.maxConcurrentProbes());
        var metrics = new ProbeMetrics(registry, config.metrics().tenantLabels());
        metrics.waitingFor(gate);
        this.cycles = new ProbeCycles(runner, gate,
                new Schedule(new Random(), config.scheduleJitter()), clock);
        this.writer = new StatusWriter(client);
        this.reconciler = new SmtpProbeReconciler(cycles,
                new ProbeRequestMapper(config.defaultEhloName(), config.defaultMailFrom().orElse(""), config.minInterval(),
                        config.defaultGreylistRetry()),
                new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(config.certificateExpiryWarning()),
                        new StatusBudget(config.statusMaxBytes(), client.getKubernetesSerialization())), writer, new ProbeEvents(client, clock), metrics, results,
                new AuthSecrets(client));
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // the client belongs to the application (REST API, health), not to the operator
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(config.statusWriters())
                    // keep retrying when the CRD is not installed yet or the API server is away at start-up
                    .withStopOnInformerErrorDuringStartup(false)
                    .withReconciliationTerminationTimeout(SHUTDOWN_DRAIN);
            if (config.leaderElection().enabled()) {
                o.withLeaderElectionConfiguration(leaderElection());
            }
        });
        operator.register(reconciler, c -> {
            c.withGenerationAware(true)
                    .withRetry(new GenericRetry()
                            .setInitialInterval(200)
                            .setIntervalMultiplier(2)
                            .setMaxInterval(RETRY_MAX_INTERVAL.toMillis())
                            .setMaxAttempts(Math.max(0, config.statusWriteAttempts() - 1)))
                    .withRateLimiter(new LinearRateLimiter(Duration.ofSeconds(1), RECONCILIATIONS_PER_SECOND));
            config.watchNamespaces().filter(ns -> !ns.isEmpty()).ifPresent(ns -> c.settingNamespaces(new HashSet<>(ns)));
        });
    }

    /** Starts watching; returns once the informers have listed (or given up waiting, then they keep retrying). */
    public void start() {
        if (!config.leaderElection().enabled()) {
            cycles.activate();
        }
        operator.start();
        LOG.infof("operator started: namespaces=%s leaderElection=%s", config.watchNamespaces().orElse(List.of()).isEmpty() ? "all"
                : config.watchNamespaces().get(), config.leaderElection().enabled() ? identity + "@" + leaseNamespace : "off");
    }

    /** Informers listed and watching: the cache is trustworthy. */
    public boolean isWatching() {
        var info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
    }

    public boolean isLeader() {
        return cycles.isActive();
    }

    public int probesInFlight() {
        return cycles.inFlight();
    }

    public LatestResults results() {
        return results;
    }

    public StatusWriter statusWriter() {
        return writer;
    }

    @Override
    public List<SmtpProbe> list() {
        var cache = reconciler.cache();
        return cache == null ? List.of() : cache.list().toList();
    }

    @Override
    public Optional<SmtpProbe> get(ResourceKey key) {
        var cache = reconciler.cache();
        return cache == null ? Optional.empty() : cache.get(key.toResourceId());
    }

    /**
     * Graceful shutdown: results already in reach the status, the SDK finishes the reconciliations
     * it runs, then the Lease is released so that a standby takes over at once.
     */
    @Override
    public synchronized void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        cycles.drain(SHUTDOWN_DRAIN);
        cycles.deactivate();
        operator.stop();
        if (config.leaderElection().enabled()) {
            releaseLease();
        }
    }

    private LeaderElectionConfiguration leaderElection() {
        var le = config.leaderElection();
        return new LeaderElectionConfiguration(le.leaseName(), leaseNamespace, le.leaseDuration(), le.renewDeadline(),
                le.retryPeriod(), identity, new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        leader -> LOG.debugf("lease %s is held by %s", le.leaseName(), leader)),
                // The SDK's exit would run inside our own shutdown too (it stops leading when stopped).
                false);
    }

    private void startedLeading() {
        LOG.infof("%s acquired lease %s/%s: probing", identity, leaseNamespace, config.leaderElection().leaseName());
        cycles.activate();
    }

    private void stoppedLeading() {
        if (stopping) {
            return;
        }
        LOG.infof("%s lost lease %s/%s: probing stopped", identity, leaseNamespace, config.leaderElection().leaseName());
        cycles.deactivate();
        onLeaseLost.run();
    }

    /**
     * The SDK cancels its elector without releasing the Lease (JOSDK 5.2 builds it with
     * releaseOnCancel=false), which would leave the Lease naming this replica until it expires: a
     * rolling update would leave nobody probing for a whole lease duration. fabric8's release clears
     * the holder only if it is still this replica.
     */
    private void releaseLease() {
        var le = config.leaderElection();
        try {
            var elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                    .withName(le.leaseName())
                    .withLock(new LeaseLock(leaseNamespace, le.leaseName(), identity))
                    .withLeaseDuration(le.leaseDuration())
                    .withRenewDeadline(le.renewDeadline())
                    .withRetryPeriod(le.retryPeriod())
                    .withLeaderCallbacks(new LeaderCallbacks(() -> { }, () -> { }, leader -> { }))
                    .build()).build();
            boolean released = elector.release();
            LOG.infof("%s lease %s/%s on shutdown", released ? "released" : "did not hold", leaseNamespace, le.leaseName());
        } catch (RuntimeException e) {
            LOG.warnf("could not release lease %s/%s: %s", leaseNamespace, le.leaseName(), e.getMessage());
        }
    }

    /** The pod name; replicas without one must still differ, or both would think they hold the lease. */
    static String defaultIdentity() {
        return Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
                .orElseGet(() -> "smtp-probe-operator-" + UUID.randomUUID());
    }
}
