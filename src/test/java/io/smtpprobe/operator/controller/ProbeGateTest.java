package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The global probe slots, shared between namespaces. */
class ProbeGateTest {
    /** A probe that asked for a slot, and whether it got one. */
    record Probe(String namespace, CompletableFuture<Void> slot) {
        boolean started() {
            return slot.isDone() && !slot.isCancelled();
        }
    }

    final ProbeGate gate = new ProbeGate(10);
    final List<Probe> probes = new ArrayList<>();
    /** Started probes in the order they started, as equally long probes would end. */
    final ArrayDeque<Probe> running = new ArrayDeque<>();

    @Test
    void anIdleSystemLetsOneNamespaceUseEverySlot() {
        request("big", 10);

        assertThat(probes).allMatch(Probe::started);
        assertThat(gate.running("big")).isEqualTo(10);
        assertThat(gate.inFlight()).isEqualTo(10);
    }

    @Test
    void aSmallNamespaceStartsOnTheNextFreedSlotsNotAfterTheBigOnesQueue() {
        request("big", 100);
        request("small", 2);
        assertThat(gate.waiting("big")).isEqualTo(90);
        assertThat(gate.waiting("small")).isEqualTo(2);

        endOldest();
        assertThat(started("small")).as("after one slot freed").isEqualTo(1);
        endOldest();
        assertThat(started("small")).as("after two").isEqualTo(2);
        assertThat(started("big")).as("no waiting big probe started before them").isEqualTo(10);

        endOldest();
        assertThat(started("big")).as("then the big namespace has the slots again").isEqualTo(11);
    }

    @Test
    void whileBothWaitNeitherHoldsMoreThanItsShareOnceTheSlotsTurnedOver() {
        request("big", 100);
        request("other", 100);

        for (int turn = 0; turn < 60; turn++) {
            endOldest();
            if (turn >= 10) {
                assertThat(gate.running("big")).as("turn " + turn).isEqualTo(5);
                assertThat(gate.running("other")).as("turn " + turn).isEqualTo(5);
            }
        }
    }

    @Test
    void threeNamespacesShareTenSlotsThreeThreeAndFour() {
        request("a", 50);
        request("b", 50);
        request("c", 50);

        for (int turn = 0; turn < 30; turn++) {
            endOldest();
        }

        assertThat(List.of(gate.running("a"), gate.running("b"), gate.running("c"))).allMatch(n -> n == 3 || n == 4);
        assertThat(gate.inFlight()).isEqualTo(10);
    }

    @Test
    void whenOnlyOneNamespaceWaitsItGetsEveryFreedSlot() {
        request("big", 5);
        request("small", 5);
        request("big", 20);

        for (int turn = 0; turn < 10; turn++) {
            endOldest();
        }

        assertThat(gate.running("big")).as("the small namespace has nothing left to run").isEqualTo(10);
    }

    @Test
    void aCancelledWaiterGivesUpItsPlace() {
        request("big", 11);
        request("small", 1);
        probes.get(11).slot().cancel(false);
        assertThat(gate.waiting("small")).isZero();

        endOldest();

        assertThat(probes.get(10).started()).as("the next big probe, as no one else waits").isTrue();
        assertThat(gate.inFlight()).isEqualTo(10);
    }

    @Test
    void waitingProbesAreAGaugePerNamespace() {
        var registry = new SimpleMeterRegistry();
        new ProbeMetrics(registry).waitingFor(gate);
        request("big", 100);
        request("small", 2);

        assertThat(registry.get(ProbeMetrics.WAITING).tag("namespace", "big").gauge().value()).isEqualTo(90);
        assertThat(registry.get(ProbeMetrics.WAITING).tag("namespace", "small").gauge().value()).isEqualTo(2);
        endOldest();
        endOldest();
        assertThat(registry.get(ProbeMetrics.WAITING).tag("namespace", "small").gauge().value()).isZero();
    }

    @Test
    void probesThatEndAsSoonAsTheyStartDoNotDeepenTheStack() {
        var gate = new ProbeGate(1);
        gate.acquire("a");
        var ended = new AtomicInteger();
        var failures = new ConcurrentLinkedQueue<Throwable>();
        for (int i = 0; i < 50_000; i++) {
            String namespace = i % 2 == 0 ? "a" : "b";
            gate.acquire(namespace).thenRun(() -> {
                ended.incrementAndGet();
                gate.release(namespace);
            }).exceptionally(e -> {
                failures.add(e);
                return null;
            });
        }

        gate.release("a");

        assertThat(failures).isEmpty();
        assertThat(ended.get()).isEqualTo(50_000);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.running("b")).isZero();
    }

    @Test
    void manyThreadsNeverExceedTheSlotsNorLoseOne() throws Exception {
        var gate = new ProbeGate(3);
        var inside = new AtomicInteger();
        var most = new AtomicInteger();
        var errors = new ConcurrentLinkedQueue<Throwable>();
        int threads = 8;
        int rounds = 500;
        var done = new CountDownLatch(threads * rounds);
        var pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                String namespace = "ns" + (t % 3);
                var random = new Random(t);
                pool.execute(() -> {
                    for (int i = 0; i < rounds; i++) {
                        var slot = gate.acquire(namespace);
                        if (random.nextInt(10) == 0 && slot.cancel(false)) {
                            done.countDown();
                            continue;
                        }
                        slot.thenRun(() -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            inside.decrementAndGet();
                            gate.release(namespace);
                            done.countDown();
                        }).exceptionally(e -> {
                            errors.add(e);
                            return null;
                        });
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        assertThat(most.get()).isLessThanOrEqualTo(3);
        assertThat(gate.inFlight()).isZero();
        assertThat(List.of(gate.waiting("ns0"), gate.waiting("ns1"), gate.waiting("ns2"))).containsOnly(0);
    }

    private void request(String namespace, int count) {
        for (int i = 0; i < count; i++) {
            var probe = new Probe(namespace, gate.acquire(namespace));
            probes.add(probe);
            probe.slot().thenRun(() -> running.add(probe));
        }
    }

    /** The oldest running probe ends and gives back its slot. */
    private void endOldest() {
        var oldest = running.poll();
        assertThat(oldest).isNotNull();
        gate.release(oldest.namespace());
    }

    private long started(String namespace) {
        return probes.stream().filter(p -> p.namespace().equals(namespace) && p.started()).count();
    }
}
