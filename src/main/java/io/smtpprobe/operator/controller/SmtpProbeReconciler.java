package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.config.OperatorSettings;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.engine.ProbeRunner;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Schedules and runs the probes of all SmtpProbe resources. Every state change happens on one
 * control thread ({@code control}), so there is no locking; probes themselves run in the probe
 * layer and only their completion hops back here.
 *
 * <p>Status writes and Events are blocking API calls, so they run on the {@code writers} threads
 * ({@link StatusPublisher}); only their outcome hops back to the control thread.
 *
 * <p>Only spec changes (a new metadata.generation) trigger a probe: status writes, label edits and
 * resyncs leave the generation alone, which is what keeps the operator from reacting to its own
 * writes.
 */
public final class SmtpProbeReconciler {
    private static final Logger LOG = Logger.getLogger(SmtpProbeReconciler.class);

    private final ProbeRunner runner;
    private final ScheduledExecutorService control;
    private final StatusPublisher publisher;
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
    /** Shutting down: no new probes start while the queued status writes land. */
    private volatile boolean draining;

    /** Per-resource schedule; {@code epoch} invalidates callbacks of a cancelled run. */
    private static final class Tracked {
        long generation = -1;
        long epoch;
        ProbePlan plan;
        Future<?> next;
        CompletableFuture<?> inFlight;
        final StatusPublisher.Lane lane = new StatusPublisher.Lane();
    }

    public SmtpProbeReconciler(ProbeRunner runner, ScheduledExecutorService control, Executor writers, Clock clock,
            OperatorSettings settings, Schedule schedule, StatusWriter writer, ProbeEvents events, ProbeMetrics metrics,
            LatestResults results, Function<String, SmtpProbe> cache) {
        this.runner = runner;
        this.control = control;
        this.publisher = new StatusPublisher(writers, cache, () -> active);
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
            retire(tracked.remove(key));
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
            tracked.values().forEach(this::retire);
            tracked.clear();
        });
    }

    /**
     * Shutdown, before the lease is released: no new probe starts, and the status writes already
     * queued get up to {@code max} to land, so the last results are not lost with this replica.
     */
    public void drain(Duration max) {
        draining = true;
        try {
            CompletableFuture.supplyAsync(() -> StatusPublisher.idle(tracked.values().stream().map(t -> t.lane).toList()), control)
                    .thenCompose(idle -> idle)
                    .get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.infof("status writes still queued at shutdown: %s", e.toString());
        }
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
            publisher.publish(t.lane, key, resource, fresh -> writer.write(fresh, previous -> aggregator.suspended(previous, generation), false));
            return;
        }
        try {
            t.plan = mapper.map(resource.getSpec());
        } catch (InvalidSpecException e) {
            publisher.publish(t.lane, key, resource, fresh -> {
                var written = writer.write(fresh, previous -> aggregator.invalid(e.getMessage(), previous, generation), false);
                if (written != null) {
                    events.emit(fresh, "Warning", OperatorReason.InvalidSpec.name(), written.message());
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
        if (!current(key, t, epoch) || draining) {
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
        CompletableFuture<SmtpProbeStatus> write;
        if (cause != null) {
            LOG.warnf(cause, "probe of %s failed", key);
            metrics.failed();
            write = publisher.publish(t.lane, key, resource,
                    fresh -> writer.write(fresh, prev -> aggregator.failed(cause, prev, generation, finishedAt, delay), true));
        } else {
            results.put(new LatestResults.Latest(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    generation, clock.instant(), report));
            metrics.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), report);
            write = publisher.publish(t.lane, key, resource, fresh -> {
                var replaced = new AtomicReference<SmtpProbeStatus>();
                var stored = writer.write(fresh, prev -> {
                    replaced.set(prev);
                    return aggregator.probed(report, prev, generation, finishedAt, delay);
                }, true);
                // compared with what the write replaced: a skipped or failed write changed nothing to announce
                if (stored != null) {
                    events.resultsChanged(fresh, replaced.get(), report);
                }
                return stored;
            });
        }
        write.thenAcceptAsync(stored -> written(key, t, resource, stored), control);
        scheduleRun(key, t, delay);
    }

    /**
     * The gauge follows the stored status: a write that did not go through changed nothing. A write
     * from before a spec change still counts, as it is what the status now says.
     */
    private void written(String key, Tracked t, SmtpProbe resource, SmtpProbeStatus stored) {
        if (stored != null && active && tracked.get(key) == t) {
            metrics.consecutiveFailures(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                    Objects.requireNonNullElse(stored.consecutiveFailures(), 0));
        }
    }

    private boolean current(String key, Tracked t, long epoch) {
        return active && t.epoch == epoch && tracked.get(key) == t;
    }

    private void retire(Tracked t) {
        if (t != null) {
            cancel(t);
            t.lane.retire();
        }
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
