package io.smtpprobe.operator.controller;

import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.ProbeRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Per resource: when the next probe is due, the probe in flight, and its result until the status
 * says it. A probe outlives the reconciliation that starts it; its result waits here for the
 * reconciliation its completion triggers. State changes of one cycle happen under its lock, as
 * completions arrive on the engine's threads while reconciliations run on the SDK's.
 *
 * <p>Due times are kept on the monotonic clock: a wall-clock step of an hour would otherwise probe
 * everything at once (forward) or nothing for an hour (back). The wall clock only stamps the times
 * written to {@code .status}, and is read once per cycle to resume from a stored status.
 */
final class ProbeCycles {
    private final ProbeRunner runner;
    private final ProbeGate gate;
    private final Schedule schedule;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<ResourceKey, Cycle> cycles = new ConcurrentHashMap<>();
    private volatile Consumer<ResourceKey> onFinished = key -> { };
    private volatile boolean active;
    /** Shutting down: no new probe starts while the results already in are written. */
    private volatile boolean draining;

    /**
     * A probe's outcome (a report, or the error of a broken engine), waiting to be written.
     * {@code at} is the wall-clock time for the status, {@code atNanos} the same moment on the monotonic clock.
     */
    record Finished(ProbeReport report, Throwable error, Instant at, Duration untilNext, long atNanos) {
        long dueNanos() {
            return atNanos + untilNext.toNanos();
        }
    }

    /** One resource object at one generation; a new spec or a re-created object starts a new cycle. */
    static final class Cycle {
        final ResourceKey key;
        final String uid;
        final long generation;
        private Duration interval;
        /** On the monotonic clock ({@code System.nanoTime()}); null until the first probe is planned. */
        private Long dueNanos;
        private CompletableFuture<?> pending;
        private Finished finished;
        private boolean recorded;
        private boolean visited;
        private boolean cancelled;
        /** The status states no probe of this generation yet: its probe waits ahead of routine ones. */
        private boolean unprobed;

        private Cycle(ResourceKey key, String uid, long generation) {
            this.key = key;
            this.uid = uid;
            this.generation = generation;
        }

        private boolean isOf(SmtpProbe resource) {
            return Objects.equals(uid, resource.getMetadata().getUid()) && generation == StatusWriter.generationOf(resource);
        }

        /** True once: the first reconciliation of this cycle in this process. */
        synchronized boolean firstVisit() {
            boolean first = !visited;
            visited = true;
            return first;
        }

        synchronized Finished finished() {
            return finished;
        }

        /** Once per result: metrics and the REST detail take each result once, however often its write is retried. */
        synchronized void recordOnce(Finished result, Runnable record) {
            if (!recorded && finished == result && !cancelled) {
                recorded = true;
                record.run();
            }
        }

        /**
         * Runs {@code action} unless the cycle is over. Under the cycle's lock, which a deletion takes
         * before it forgets the resource's metrics, so a late write cannot bring them back.
         */
        synchronized void ifCurrent(Runnable action) {
            if (!cancelled) {
                action.run();
            }
        }

        synchronized boolean busy() {
            return pending != null || finished != null;
        }

        /** Cancels outside the lock: a cancelled probe frees its slot, which may start another cycle's probe. */
        private void cancel() {
            CompletableFuture<?> inFlight;
            synchronized (this) {
                cancelled = true;
                inFlight = pending;
                pending = null;
                finished = null;
            }
            if (inFlight != null) {
                inFlight.cancel(true);
            }
        }
    }

    ProbeCycles(ProbeRunner runner, ProbeGate gate, Schedule schedule, Clock clock) {
        this(runner, gate, schedule, clock, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock, {@code System::nanoTime} but in tests */
    ProbeCycles(ProbeRunner runner, ProbeGate gate, Schedule schedule, Clock clock, LongSupplier nanoTime) {
        this.runner = runner;
        this.gate = gate;
        this.schedule = schedule;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    void onFinished(Consumer<ResourceKey> listener) {
        this.onFinished = listener;
    }

    /** The cycle of this object at this generation; an older one is cancelled, its probe and result dropped. */
    Cycle of(SmtpProbe resource) {
        return cycles.compute(ResourceKey.of(resource), (key, old) -> {
            if (old != null && old.isOf(resource)) {
                return old;
            }
            if (old != null) {
                old.cancel();
            }
            return new Cycle(key, resource.getMetadata().getUid(), StatusWriter.generationOf(resource));
        });
    }

    /**
     * How long until the next probe. A cycle's first probe is due at once for a new resource or spec,
     * otherwise when the stored status says, so a restart or a new leader does not reprobe early.
     */
    Duration untilDue(Cycle cycle, SmtpProbeStatus stored, Duration interval) {
        synchronized (cycle) {
            cycle.interval = interval;
            if (cycle.dueNanos == null) {
                cycle.unprobed = Schedule.unprobed(stored, cycle.generation);
                // The one comparison of wall-clock times: the stored lastProbeTime against now.
                cycle.dueNanos = nanoTime.getAsLong() + schedule.first(stored, cycle.generation, interval, clock.instant()).toNanos();
            }
            return remaining(cycle);
        }
    }

    /**
     * Starts a probe once a slot of the global limit is free for the resource's namespace (its fair share: ProbeGate),
     * a first probe of the resource ahead of routine cycles.
     */
    void start(Cycle cycle, ProbeRequest request) {
        CompletableFuture<Void> slot;
        synchronized (cycle) {
            if (cycle.cancelled || cycle.pending != null || !active || draining) {
                return;
            }
            slot = gate.acquire(cycle.key.namespace(), cycle.unprobed ? ProbeGate.Priority.FIRST : ProbeGate.Priority.ROUTINE);
            cycle.pending = slot;
        }
        // Outside the lock, like every release: a slot passed on starts another cycle's probe.
        slot.thenRun(() -> launch(cycle, request));
    }

    private void launch(Cycle cycle, ProbeRequest request) {
        CompletableFuture<ProbeReport> probe = null;
        synchronized (cycle) {
            if (!cycle.cancelled && active && !draining) {
                try {
                    probe = runner.run(request).toCompletableFuture();
                } catch (RuntimeException e) {
                    probe = CompletableFuture.failedFuture(e);
                }
            }
            cycle.pending = probe;
        }
        if (probe == null) {
            gate.release(cycle.key.namespace());
            return;
        }
        probe.whenComplete((report, error) -> {
            gate.release(cycle.key.namespace());
            finished(cycle, report, error);
        });
    }

    private void finished(Cycle cycle, ProbeReport report, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) {
            return;
        }
        synchronized (cycle) {
            if (cycle.cancelled) {
                return;
            }
            cycle.pending = null;
            cycle.finished = new Finished(report, cause, clock.instant(), schedule.next(cycle.interval), nanoTime.getAsLong());
            cycle.recorded = false;
        }
        onFinished.accept(cycle.key);
    }

    /** The result is in status (or its object is gone): the next probe is due when the status says. */
    Duration published(Cycle cycle, Finished result) {
        synchronized (cycle) {
            if (cycle.finished == result) {
                cycle.finished = null;
                cycle.unprobed = false;
                cycle.dueNanos = result.dueNanos();
            }
            return remaining(cycle);
        }
    }

    /** Time since the probe of this result ended, on the monotonic clock. */
    Duration since(Finished result) {
        return positive(Duration.ofNanos(nanoTime.getAsLong() - result.atNanos()));
    }

    /** Every write attempt failed: drop the result, if that is what failed, and keep the schedule. */
    Duration giveUp(ResourceKey key) {
        var cycle = cycles.get(key);
        if (cycle == null) {
            return Duration.ZERO;
        }
        var result = cycle.finished();
        return result == null ? remaining(cycle) : published(cycle, result);
    }

    private Duration remaining(Cycle cycle) {
        synchronized (cycle) {
            // a difference of nanoTime values, as its contract requires: never compared directly
            return cycle.dueNanos == null ? Duration.ZERO : positive(Duration.ofNanos(cycle.dueNanos - nanoTime.getAsLong()));
        }
    }

    void forget(ResourceKey key) {
        var cycle = cycles.remove(key);
        if (cycle != null) {
            cycle.cancel();
        }
    }

    /** Leading: reconciliations may start probes. */
    void activate() {
        active = true;
    }

    /** Another replica probes now: in-flight probes are cancelled at once. */
    void deactivate() {
        active = false;
        cycles.values().forEach(Cycle::cancel);
        cycles.clear();
    }

    boolean isActive() {
        return active;
    }

    /**
     * Shutdown, before the lease is released: no new probe starts, and the results already in get
     * up to {@code max} to reach the status, so they are not lost with this replica.
     */
    void drain(Duration max) {
        draining = true;
        long deadline = System.nanoTime() + max.toNanos();
        while (cycles.values().stream().anyMatch(c -> c.finished() != null) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    int inFlight() {
        return gate.inFlight();
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
