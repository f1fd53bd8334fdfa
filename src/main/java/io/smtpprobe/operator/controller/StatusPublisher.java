package io.smtpprobe.operator.controller;

import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs status writes, blocking API calls, off the control thread: on it they would cap the whole
 * operator at one API round trip per probe. Per resource the writes form a lane: in order, and at
 * most one waiting, because a newer write carries everything an older one would have said. Each
 * write runs against the freshest cached object, so a backlog does not turn into conflicts. The
 * first status of a new resource or spec goes ahead of routine ones: behind a backlog of 5,000
 * routine writes, a user who just applied a resource would otherwise wait for all of them.
 */
final class StatusPublisher {
    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    private final Executor writers;
    private final Function<String, SmtpProbe> cache;
    private final BooleanSupplier leading;
    private final AtomicLong order = new AtomicLong();

    /** A write in the pool's queue: urgent ones first, otherwise first come, first served. */
    private record Queued(boolean urgent, long order, Runnable task) implements Runnable, Comparable<Queued> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Queued other) {
            return urgent != other.urgent ? (urgent ? -1 : 1) : Long.compare(order, other.order);
        }
    }

    /** The pool the writes run on, its queue ordered by urgency. */
    static ExecutorService writerPool(int threads) {
        var count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), r -> {
            var thread = new Thread(r, "smtpprobe-status-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The writes of one resource object. Queued on the control thread only. */
    static final class Lane {
        private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        private long queued;
        private volatile long newest;
        private volatile boolean retired;

        /** The resource was deleted or this replica stopped leading: writes not yet started are dropped. */
        void retire() {
            retired = true;
        }

        /** Completes once every write queued so far has run or been dropped. */
        CompletableFuture<Void> idle() {
            return last.handle((v, e) -> null);
        }
    }

    StatusPublisher(Executor writers, Function<String, SmtpProbe> cache, BooleanSupplier leading) {
        this.writers = writers;
        this.cache = cache;
        this.leading = leading;
    }

    /**
     * Queues {@code write} for the object {@code seen} (by key {@code namespace/name}); it is given
     * the cached object as it is when the write runs. Completes with the stored status, or null when
     * nothing was written: a newer write replaced it, the lane was retired, this replica no longer
     * leads, or the cached object is gone, was re-created (another uid) or has a new generation.
     */
    CompletableFuture<SmtpProbeStatus> publish(Lane lane, String key, SmtpProbe seen, Function<SmtpProbe, SmtpProbeStatus> write) {
        long ticket = ++lane.queued;
        lane.newest = ticket;
        boolean urgent = firstForItsGeneration(seen);
        Executor queue = task -> writers.execute(new Queued(urgent, order.incrementAndGet(), task));
        CompletableFuture<SmtpProbeStatus> next;
        try {
            next = lane.last.handle((v, e) -> null).thenApplyAsync(v -> {
                if (ticket != lane.newest || lane.retired || !leading.getAsBoolean()) {
                    return null;
                }
                SmtpProbe fresh = cache.apply(key);
                if (fresh == null || !sameObject(seen, fresh)) {
                    return null;
                }
                return write.apply(fresh);
            }, queue);
        } catch (RejectedExecutionException e) {
            next = CompletableFuture.failedFuture(e);
        }
        next.whenComplete((v, e) -> {
            if (e != null && !(rootCause(e) instanceof RejectedExecutionException)) {
                LOG.warnf(e, "status of %s not written", key);
            }
        });
        lane.last = next;
        return next;
    }

    /** Completes when all these lanes are idle. */
    static CompletableFuture<Void> idle(Collection<Lane> lanes) {
        return CompletableFuture.allOf(lanes.stream().map(Lane::idle).toArray(CompletableFuture[]::new));
    }

    /** Nothing in the status speaks of this spec yet. */
    static boolean firstForItsGeneration(SmtpProbe probe) {
        var status = probe.getStatus();
        return status == null || status.observedGeneration() == null
                || status.observedGeneration() != StatusWriter.generationOf(probe);
    }

    private static boolean sameObject(SmtpProbe a, SmtpProbe b) {
        return Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid())
                && StatusWriter.generationOf(a) == StatusWriter.generationOf(b);
    }

    private static Throwable rootCause(Throwable e) {
        return e.getCause() != null && e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
    }
}
