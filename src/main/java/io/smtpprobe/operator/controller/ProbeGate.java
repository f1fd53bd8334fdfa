package io.smtpprobe.operator.controller;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The global cap on probes in flight, shared fairly between namespaces. A free slot is taken at
 * once; when none is free the probe waits in its namespace's queue, and each slot that frees up
 * goes to the waiting namespace with the fewest probes running, namespaces with equal counts in
 * turn (round robin). So while others wait, no namespace gets more than its share of the slots
 * (the slots divided by the namespaces running or waiting), and an idle system lets one namespace
 * use them all. A running probe is never stopped to make room: a namespace that held every slot
 * gives them up one by one as its probes end, within one turnover of the slots.
 *
 * <p>It is kube-apiserver's API Priority and Fairness simplified to one priority level with one
 * queue per namespace. Waiters are futures, so no thread waits for a slot, and a cancelled waiter
 * gives up its place, so a deleted resource never holds a slot.
 *
 * <p>Within a namespace, a resource's first probe (a new resource or a new spec) goes ahead of routine
 * cycles: someone who just applied it waits for that first status, while a routine cycle already has
 * one. First probes are a priority, not a second queue: of every {@link #FIRST_PROBES_IN_A_ROW} + 1
 * slots a namespace is given while both kinds wait, at least one goes to its oldest routine probe,
 * so a flood of new resources slows the routine cycles down but never stops them.
 *
 * <p>Our own because the SDK has no equivalent for asynchronous work: its reconciliation threads
 * bound reconciliations, but a probe outlives the reconciliation that starts it.
 */
public final class ProbeGate {
    private static final Logger LOG = Logger.getLogger(ProbeGate.class);
    /**
     * First probes a namespace may start one after another while a routine probe of it waits. Four:
     * a burst of new resources gets most of the slots, and the routine cycles keep a fifth.
     */
    static final int FIRST_PROBES_IN_A_ROW = 4;

    /** Why a probe asks for a slot: a first probe goes ahead of routine ones (see the class comment). */
    public enum Priority {
        /** A resource's first probe at its generation: nothing in its status says it yet. */
        FIRST,
        /** A cycle of a resource whose status already holds a verdict. */
        ROUTINE
    }

    /** One namespace's waiters, first probes apart from routine ones, each in the order they came. */
    private static final class Waiters {
        final Deque<CompletableFuture<Void>> first = new ArrayDeque<>();
        final Deque<CompletableFuture<Void>> routine = new ArrayDeque<>();
        /** First probes started since the last routine one while routine ones waited. */
        int firstInARow;

        Deque<CompletableFuture<Void>> of(Priority priority) {
            return priority == Priority.FIRST ? first : routine;
        }

        boolean isEmpty() {
            return first.isEmpty() && routine.isEmpty();
        }

        void dropDone() {
            first.removeIf(CompletableFuture::isDone);
            routine.removeIf(CompletableFuture::isDone);
        }

        /** The next waiter: a first probe, unless routine ones have let enough of them go ahead. */
        CompletableFuture<Void> poll() {
            if (!first.isEmpty() && (routine.isEmpty() || firstInARow < FIRST_PROBES_IN_A_ROW)) {
                firstInARow = routine.isEmpty() ? 0 : firstInARow + 1;
                return first.poll();
            }
            firstInARow = 0;
            return routine.poll();
        }

        int count() {
            return (int) (first.stream().filter(w -> !w.isDone()).count() + routine.stream().filter(w -> !w.isDone()).count());
        }

        int size() {
            return first.size() + routine.size();
        }

        void remove(CompletableFuture<Void> waiter) {
            if (!first.remove(waiter)) {
                routine.remove(waiter);
            }
        }
    }

    private final int permits;
    private int used;
    private final Map<String, Integer> running = new HashMap<>();
    /** Namespaces with waiters, in turn order: the one just served goes to the back. */
    private final LinkedHashMap<String, Waiters> waiting = new LinkedHashMap<>();
    private volatile Consumer<String> onWaiting = namespace -> { };
    /** This thread is handing out slots already (see {@link #dispatch()}). */
    private final ThreadLocal<Boolean> dispatching = ThreadLocal.withInitial(() -> false);

    public ProbeGate(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("at least one probe must be allowed");
        }
        this.permits = permits;
    }

    /** Told the namespace of every probe that has to wait, outside the gate's lock (for a metric per namespace). */
    public void onWaiting(Consumer<String> listener) {
        this.onWaiting = listener;
    }

    /**
     * Completes when a slot is free for a probe of this namespace; the caller must
     * {@link #release(String)} it exactly once after that.
     */
    public CompletableFuture<Void> acquire(String namespace) {
        return acquire(namespace, Priority.ROUTINE);
    }

    /** As {@link #acquire(String)}; a {@link Priority#FIRST} probe waits ahead of its namespace's routine ones. */
    public CompletableFuture<Void> acquire(String namespace, Priority priority) {
        var waiter = new CompletableFuture<Void>();
        synchronized (this) {
            if (used < permits && waiting.isEmpty()) {
                take(namespace);
                return CompletableFuture.completedFuture(null);
            }
            waiting.computeIfAbsent(namespace, ns -> new Waiters()).of(priority).add(waiter);
            if (LOG.isDebugEnabled()) {
                LOG.debugf("probe of namespace %s waits for a slot: running %s, waiting %s", namespace, running, waitingCounts());
            }
        }
        waiter.whenComplete((v, e) -> {
            if (waiter.isCancelled()) {
                forget(namespace, waiter);
            }
        });
        onWaiting.accept(namespace);
        return waiter;
    }

    /** Gives back a slot taken for a probe of this namespace; it goes to the next namespace in line. */
    public void release(String namespace) {
        synchronized (this) {
            give(namespace);
        }
        dispatch();
    }

    /**
     * Hands free slots to waiters; a waiter cancelled meanwhile gives its slot back at once. A probe
     * that ends as soon as it starts releases from inside {@code complete}: that release only frees
     * the slot, and the loop already running on this thread hands it on, so a queue of such probes
     * never deepens the stack.
     */
    private void dispatch() {
        if (dispatching.get()) {
            return;
        }
        dispatching.set(true);
        try {
            handOut();
        } finally {
            dispatching.set(false);
        }
    }

    private void handOut() {
        while (true) {
            CompletableFuture<Void> next;
            String namespace;
            synchronized (this) {
                namespace = next();
                if (namespace == null) {
                    return;
                }
                var queue = waiting.get(namespace);
                next = queue.poll();
                if (queue.isEmpty()) {
                    waiting.remove(namespace);
                }
                take(namespace);
            }
            // Outside the lock: completing starts the probe, which may take or release slots itself.
            if (!next.complete(null)) {
                synchronized (this) {
                    give(namespace);
                }
            }
        }
    }

    /**
     * The namespace that gets the next free slot, with its queue moved to the back of the turn
     * order; null when no slot is free or nobody waits.
     */
    private String next() {
        if (used >= permits) {
            return null;
        }
        String chosen = null;
        int fewest = Integer.MAX_VALUE;
        var namespaces = waiting.entrySet().iterator();
        while (namespaces.hasNext()) {
            var entry = namespaces.next();
            entry.getValue().dropDone();
            if (entry.getValue().isEmpty()) {
                namespaces.remove();
                continue;
            }
            int count = running.getOrDefault(entry.getKey(), 0);
            if (count < fewest) {
                fewest = count;
                chosen = entry.getKey();
            }
        }
        if (chosen != null) {
            waiting.put(chosen, waiting.remove(chosen));
        }
        return chosen;
    }

    private void take(String namespace) {
        used++;
        running.merge(namespace, 1, Integer::sum);
    }

    private void give(String namespace) {
        used--;
        running.computeIfPresent(namespace, (ns, count) -> count > 1 ? count - 1 : null);
    }

    public synchronized int inFlight() {
        return used;
    }

    /** Probes of this namespace waiting for a slot. */
    public synchronized int waiting(String namespace) {
        var queue = waiting.get(namespace);
        return queue == null ? 0 : queue.count();
    }

    /** Probes of every namespace waiting for a slot: the gauge when tenant labels are off. */
    public synchronized int waitingTotal() {
        return waiting.values().stream().mapToInt(Waiters::count).sum();
    }

    /** Probes of this namespace holding a slot. */
    public synchronized int running(String namespace) {
        return running.getOrDefault(namespace, 0);
    }

    private Map<String, Integer> waitingCounts() {
        var counts = new LinkedHashMap<String, Integer>();
        waiting.forEach((ns, queue) -> counts.put(ns, queue.size()));
        return counts;
    }

    private synchronized void forget(String namespace, CompletableFuture<Void> waiter) {
        var queue = waiting.get(namespace);
        if (queue != null) {
            queue.remove(waiter);
            if (queue.isEmpty()) {
                waiting.remove(namespace);
            }
        }
    }
}
