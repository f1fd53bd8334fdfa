package io.smtpprobe.operator;

import io.smtpprobe.api.OperatorReason;
import io.smtpprobe.api.SmtpProbe;
import io.smtpprobe.api.SmtpProbeStatus;
import io.smtpprobe.probe.ProbeReport;
import io.smtpprobe.probe.ProbeRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Schedules and runs the probes of all SmtpProbe resources. Every state change happens on one
 * control thread ({@code control}), so there is no locking; probes themselves run in the probe
 * layer and only their completion hops back here.
 *
 * <p>Status writes and Events are blocking API calls, so they run on the {@code publisher} threads:
 * on the control thread they would cap the whole operator at one API round trip per probe. Writes
 * of one resource stay in order; their outcome hops back to the control thread.
 *
 * <p>Only spec changes (a new metadata.generation) trigger a probe: status writes, label edits and
 * resyncs leave the generation alone, which is what keeps the operator from reacting to its own
 * writes.
 */
public final class SmtpProbeReconciler {
    private static final Logger LOG = Logger.getLogger(SmtpProbeReconciler.class);

    private final ProbeRunner runner;
    private final ScheduledExecutorService control;
    private final Executor publisher;
    private final Clock clock;
    private final ProbeRequestMapper mapper;
    private final SmtpProbeStatusAggregator aggregator;
    private final Schedule schedule;
    private final StatusWriter writer;
    private final ProbeEvents events;
    private final ProbeMetrics metrics;
    private final LatestResults results;
    private final ProbeGate gate;
    private final Function<String, SmtpProbe> cache;
    private final Map<String, Tracked> tracked = new HashMap<>();
    /** Also reachable off the control thread, so that losing the lease cancels without waiting for it. */
    private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean active;

    /** Per-resource schedule; {@code epoch} invalidates callbacks of a cancelled run. */
    private static final class Tracked {
        long generation = -1;
        long epoch;
        ProbePlan plan;
        Future<?> next;
        CompletableFuture<?> inFlight;
        /** The last status write queued for this resource; the next one waits for it. */
        CompletableFuture<?> published = CompletableFuture.completedFuture(null);
    }

    public SmtpProbeReconciler(ProbeRunner runner, ScheduledExecutorService control, Executor publisher, Clock clock,
            OperatorSettings settings, Schedule schedule, StatusWriter writer, ProbeEvents events, ProbeMetrics metrics,
            LatestResults results, Function<String, SmtpProbe> cache) {
        this.runner = runner;
        this.control = control;
        this.publisher = publisher;
        this.clock = clock;
        this.mapper = new ProbeRequestMapper(settings.defaultEhloName(), settings.defaultMailFrom(), settings.minInterval());
        this.aggregator = new SmtpProbeStatusAggregator(clock);
        this.schedule = schedule;
        this.writer = writer;
        this.events = events;
        this.metrics = metrics;
        this.results = results;
        this.gate = new ProbeGate(settings.maxConcurrentProbes());
        this.cache = cache;
    }

    public void added(SmtpProbe resource) {
        control.execute(() -> reconcile(resource, false));
    }

    public void updated(SmtpProbe old, SmtpProbe resource) {
        if (StatusWriter.generationOf(old) == StatusWriter.generationOf(resource)) {
            return;
        }
        control.execute(() -> reconcile(resource, true));
    }

    public void deleted(SmtpProbe resource) {
        String key = keyOf(resource);
        control.execute(() -> {
            cancel(tracked.remove(key));
            results.remove(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
            metrics.forget(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        });
    }

    /** Became leader: take over every known resource. */
    public void activate(Collection<SmtpProbe> known) {
        control.execute(() -> {
            active = true;
            known.forEach(r -> reconcile(r, false));
        });
    }

    /** Lost the lease: another replica probes now, so in-flight probes are cancelled at once, not on the control thread. */
    public void deactivate() {
        active = false;
        running.forEach(f -> f.cancel(true));
        control.execute(() -> {
            tracked.values().forEach(this::cancel);
            tracked.clear();
        });
    }

    public boolean isActive() {
        return active;
    }

    public int inFlight() {
        return gate.inFlight();
    }

    private void reconcile(SmtpProbe resource, boolean specChanged) {
        if (!active) {
            return;
        }
        String key = keyOf(resource);
        long generation = StatusWriter.generationOf(resource);
        var t = tracked.computeIfAbsent(key, k -> new Tracked());
        if (!specChanged && t.generation == generation) {
            return;
        }
        cancel(t);
        t.generation = generation;
        t.plan = null;
        var stored = resource.getStatus();
        if (stored != null && stored.consecutiveFailures() != null) {
            metrics.consecutiveFailures(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    stored.consecutiveFailures());
        }
        if (Boolean.TRUE.equals(resource.getSpec() == null ? null : resource.getSpec().getSuspend())) {
            publish(key, t, () -> writer.write(resource, previous -> aggregator.suspended(previous, generation), false));
            return;
        }
        try {
            t.plan = mapper.map(resource.getSpec());
        } catch (InvalidSpecException e) {
            publish(key, t, () -> {
                var written = writer.write(resource, previous -> aggregator.invalid(e.getMessage(), previous, generation), false);
                if (written != null) {
                    events.emit(resource, "Warning", OperatorReason.InvalidSpec.name(), written.message());
                }
                return written;
            });
            return;
        }
        Duration delay = specChanged ? Duration.ZERO
                : schedule.first(resource.getStatus(), generation, t.plan.interval(), clock.instant());
        scheduleRun(key, t, delay);
    }

    private void scheduleRun(String key, Tracked t, Duration delay) {
        long epoch = t.epoch;
        t.next = control.schedule(() -> acquire(key, t, epoch), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void acquire(String key, Tracked t, long epoch) {
        if (!current(key, t, epoch)) {
            return;
        }
        t.next = null;
        var slot = gate.acquire();
        t.inFlight = slot;
        slot.thenRunAsync(() -> launch(key, t, epoch), control);
    }

    private void launch(String key, Tracked t, long epoch) {
        if (!current(key, t, epoch)) {
            gate.release();
            return;
        }
        CompletableFuture<ProbeReport> probe;
        try {
            probe = runner.run(t.plan.request()).toCompletableFuture();
        } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
        }
        t.inFlight = probe;
        running.add(probe);
        var started = probe;
        probe.whenComplete((report, error) -> {
            running.remove(started);
            gate.release();
        });
        probe.whenCompleteAsync((report, error) -> finished(key, t, epoch, report, error), control);
    }

    private void finished(String key, Tracked t, long epoch, ProbeReport report, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException || !current(key, t, epoch)) {
            return;
        }
        t.inFlight = null;
        SmtpProbe resource = cache.apply(key);
        if (resource == null || StatusWriter.generationOf(resource) != t.generation) {
            return;
        }
        Duration delay = schedule.next(t.plan.interval());
        var finishedAt = clock.instant();
        long generation = t.generation;
        var previous = resource.getStatus();
        CompletableFuture<SmtpProbeStatus> write;
        if (cause != null) {
            LOG.warnf(cause, "probe of %s failed", key);
            metrics.failed();
            write = publish(key, t, () -> writer.write(resource, prev -> aggregator.failed(cause, prev, generation, finishedAt, delay), true));
        } else {
            results.put(new LatestResults.Latest(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    generation, clock.instant(), report));
            metrics.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), report);
            write = publish(key, t, () -> {
                var stored = writer.write(resource, prev -> aggregator.probed(report, prev, generation, finishedAt, delay), true);
                events.resultsChanged(resource, previous, report);
                return stored;
            });
        }
        write.thenAcceptAsync(stored -> written(key, t, epoch, resource, stored), control);
        scheduleRun(key, t, delay);
    }

    /**
     * Queues a blocking write behind the resource's previous one. Skipped once this replica is no
     * longer the leader: the new leader owns the status then.
     */
    private CompletableFuture<SmtpProbeStatus> publish(String key, Tracked t, Supplier<SmtpProbeStatus> write) {
        CompletableFuture<SmtpProbeStatus> next = t.published.handle((v, e) -> null)
                .thenApplyAsync(v -> active ? write.get() : null, publisher);
        next.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warnf(e, "status of %s not written", key);
            }
        });
        t.published = next;
        return next;
    }

    /** The gauge follows the stored status: a write that did not go through changed nothing. */
    private void written(String key, Tracked t, long epoch, SmtpProbe resource, SmtpProbeStatus stored) {
        if (stored != null && current(key, t, epoch)) {
            metrics.consecutiveFailures(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    Objects.requireNonNullElse(stored.consecutiveFailures(), 0));
        }
    }

    private boolean current(String key, Tracked t, long epoch) {
        return active && t.epoch == epoch && tracked.get(key) == t;
    }

    private void cancel(Tracked t) {
        if (t == null) {
            return;
        }
        t.epoch++;
        if (t.next != null) {
            t.next.cancel(false);
            t.next = null;
        }
        if (t.inFlight != null) {
            t.inFlight.cancel(true);
            t.inFlight = null;
        }
    }

    static String keyOf(SmtpProbe resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }
}
