package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.operator.config.OperatorConfig;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.metrics.ShardMetrics;
import io.smtpprobe.operator.sharding.LeaseMembership;
import io.smtpprobe.operator.sharding.Ownership;
import io.smtpprobe.operator.sharding.ShardView;
import io.smtpprobe.operator.status.DiagnosisConditions;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import io.smtpprobe.operator.status.StatusBudget;
import io.smtpprobe.operator.status.StatusHeartbeat;
import io.smtpprobe.operator.status.StatusHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /**
     * The informers list in pages of this many resources: fabric8 parses a page on a Vert.x event
     * loop, and the soak's 1,000 resources in one page held it 2.6 s (a blocked-thread warning).
     */
    static final long INFORMER_LIST_PAGE = 250;
    /** How often the lease watchdog compares the monotonic clock with the moment leadership is shown to hold until. */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(100);

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
    /** Null unless sharding: then it decides which resources this replica probes, instead of one Lease for all. */
    private final LeaseMembership membership;
    private final HostLimiter hostLimiter;
    private final int perHostLimit;
    /** Held here: Micrometer keeps a gauge's object only weakly. */
    private final ShardMetrics shardMetrics;
    private final LeaseWatchdog watchdog;
    private final ScheduledExecutorService watchdogThreads;
    private final ExecutorService lookThread;
    private final AtomicBoolean leaseLost = new AtomicBoolean();
    private volatile boolean stopping;

    /**
     * @param onLeaseLost what a replica does once it stopped probing because another took its lease:
     *                    in production it exits, as the SDK's own leader election would, and Kubernetes
     *                    restarts it as a standby
     */
    public OperatorRuntime(KubernetesClient client, ProbeRunner runner, OperatorConfig config, MeterRegistry registry,
            Runnable onLeaseLost) {
        this(client, runner, config, registry, onLeaseLost, null);
    }

    /**
     * @param hostLimiter the engine's per-host limiter, divided among the replicas when sharding
     *                    (null: the limit stays as configured on each replica)
     */
    public OperatorRuntime(KubernetesClient client, ProbeRunner runner, OperatorConfig config, MeterRegistry registry,
            Runnable onLeaseLost, HostLimiter hostLimiter) {
        this.client = client;
        this.hostLimiter = hostLimiter;
        this.perHostLimit = hostLimiter == null ? 0 : hostLimiter.perHost();
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
        this.writer = new StatusWriter(client, new StatusHeartbeat(config.statusHeartbeat()));
        boolean sharding = config.sharding().enabled();
        var le = config.leaderElection();
        this.membership = !sharding ? null : new LeaseMembership(client, leaseNamespace,
                config.sharding().group().filter(g -> !g.isBlank()).orElse(le.leaseName()), identity, le.leaseDuration(),
                le.renewDeadline(), le.retryPeriod(), clock, this::viewChanged);
        Ownership ownership = sharding ? membership : Ownership.ALL;
        this.reconciler = new SmtpProbeReconciler(cycles,
                new ProbeRequestMapper(config.defaultEhloName(), config.defaultMailFrom().orElse(""), config.minInterval(),
                        config.defaultGreylistRetry()),
                new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(config.certificateExpiryWarning()),
                        new StatusBudget(config.statusMaxBytes(), client.getKubernetesSerialization()),
                        new StatusHistory(config.statusHistory())), writer, new ProbeEvents(client, clock), metrics, results,
                ownership, identity, new AuthSecrets(client));
        this.shardMetrics = !sharding ? null : new ShardMetrics(registry, identity, () -> membership.view().members().size(),
                () -> membership.view().acting(), reconciler::ownedCount);
        if (config.leaderElection().enabled() && !sharding) {
            this.watchdogThreads = Executors.newSingleThreadScheduledExecutor(r -> {
                var thread = new Thread(r, "lease-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            // Looks at the Lease run one at a time on a thread of their own: one may hang until the request timeout.
            this.lookThread = Executors.newSingleThreadExecutor(r -> {
                var thread = new Thread(r, "lease-watchdog-look");
                thread.setDaemon(true);
                return thread;
            });
            this.watchdog = new LeaseWatchdog(config.leaderElection().renewDeadline(), config.leaderElection().leaseDuration(), System::nanoTime, clock, this::lookAtLease,
                    lookThread, this::renewalNotSeen);
        } else {
            this.watchdogThreads = null;
            this.lookThread = null;
            this.watchdog = null;
        }
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // the client belongs to the application (REST API, health), not to the operator
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(config.statusWriters())
                    // keep retrying when the CRD is not installed yet or the API server is away at start-up
                    .withStopOnInformerErrorDuringStartup(false)
                    .withReconciliationTerminationTimeout(SHUTDOWN_DRAIN);
            if (config.leaderElection().enabled() && !sharding) {
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
                    .withRateLimiter(new LinearRateLimiter(Duration.ofSeconds(1), RECONCILIATIONS_PER_SECOND))
                    .withInformerListLimit(INFORMER_LIST_PAGE);
            config.watchNamespaces().filter(ns -> !ns.isEmpty()).ifPresent(ns -> c.settingNamespaces(new HashSet<>(ns)));
            TrimmedProbeStore.forNamespaces(config.watchNamespaces()).ifPresent(c::withItemStore);
        });
    }

    /** Starts watching; returns once the informers have listed (or given up waiting, then they keep retrying). */
    public void start() {
        if (!config.leaderElection().enabled() || membership != null) {
            cycles.activate();
        } else {
            long tick = WATCHDOG_TICK.toMillis();
            watchdogThreads.scheduleWithFixedDelay(this::lookAtLeaseSoon, 0, config.leaderElection().retryPeriod().toMillis(),
                    TimeUnit.MILLISECONDS);
            watchdogThreads.scheduleAtFixedRate(this::checkWatchdog, tick, tick, TimeUnit.MILLISECONDS);
        }
        operator.start();
        if (membership != null) {
            membership.start();
        }
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
        if (watchdog != null) {
            watchdog.disarm();
            watchdogThreads.shutdownNow();
            lookThread.shutdownNow();
        }
        cycles.drain(SHUTDOWN_DRAIN);
        cycles.deactivate();
        operator.stop();
        if (membership != null) {
            // after probing and status writes stopped: the others take over as soon as the Lease is gone
            membership.close();
        } else if (config.leaderElection().enabled()) {
            releaseLease();
        }
    }

    /** This replica's shard view, when sharding. */
    public Optional<ShardView> shardView() {
        return membership == null ? Optional.empty() : Optional.of(membership.view());
    }

    /**
     * Per replica, the per-host limit divided by the members (at least 1): no coordination on the hot path,
     * and the total stays within the limit while it is at least the member count.
     */
    private void viewChanged(ShardView view) {
        try {
            reconciler.viewChanged(view::owns);
            if (hostLimiter != null && view.acting()) {
                hostLimiter.resize(Math.max(1, perHostLimit / Math.max(1, view.members().size())));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "sharding: applying view %s failed", view);
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
        watchdog.arm();
        cycles.activate();
    }

    private void stoppedLeading() {
        watchdog.disarm();
        if (stopping) {
            return;
        }
        LOG.infof("%s lost lease %s/%s: probing stopped", identity, leaseNamespace, config.leaderElection().leaseName());
        leadershipOver();
    }

    /** The watchdog's verdict: no renewal seen that keeps the Lease from expiring, whatever fabric8's elector still waits for. */
    private void renewalNotSeen() {
        if (stopping) {
            return;
        }
        LOG.warnf("%s saw no renewal of lease %s/%s recent enough to keep it from expiring (lease duration %s): probing stopped",
                identity, leaseNamespace, config.leaderElection().leaseName(), config.leaderElection().leaseDuration());
        leadershipOver();
    }

    private void leadershipOver() {
        cycles.deactivate();
        if (leaseLost.compareAndSet(false, true)) {
            onLeaseLost.run();
        }
    }

    private void lookAtLeaseSoon() {
        try {
            watchdog.look();
        } catch (RuntimeException e) {
            LOG.warnf(e, "lease watchdog");
        }
    }

    private void checkWatchdog() {
        try {
            watchdog.check();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            LOG.warnf(e, "lease watchdog");
        }
    }

    /** The Lease's renewTime while this replica holds it. */
    private Optional<Instant> lookAtLease() {
        var lease = client.resources(Lease.class).inNamespace(leaseNamespace).withName(config.leaderElection().leaseName()).get();
        if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())
                || lease.getSpec().getRenewTime() == null) {
            return Optional.empty();
        }
        return Optional.of(lease.getSpec().getRenewTime().toInstant());
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
