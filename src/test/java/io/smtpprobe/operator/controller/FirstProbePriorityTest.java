package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.operator.controller.ProbeGate.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A new resource's first probe goes ahead of routine cycles in the probe slots' queue, and a flood
 * of first probes never stops the routine ones.
 */
class FirstProbePriorityTest {
    record Probe(String namespace, Priority priority, int order, CompletableFuture<Void> slot) {
        boolean started() {
            return slot.isDone() && !slot.isCancelled();
        }
    }

    final ProbeGate gate = new ProbeGate(10);
    final List<Probe> probes = new ArrayList<>();
    final ArrayDeque<Probe> running = new ArrayDeque<>();
    /** The order in which waiting probes got their slots. */
    final List<Probe> startOrder = new ArrayList<>();

    @Test
    void aNewResourcesFirstProbeStartsBeforeRoutineProbesThatWereDueEarlier() {
        request("tenant", Priority.ROUTINE, 10);
        request("tenant", Priority.ROUTINE, 200);
        var fresh = request("tenant", Priority.FIRST, 1).get(0);
        assertThat(fresh.started()).as("every slot is taken").isFalse();

        endOldest();

        assertThat(fresh.started()).as("the first freed slot is the new resource's").isTrue();
        assertThat(startOrder).containsExactly(fresh);
        assertThat(gate.waiting("tenant")).as("the 200 routine probes due earlier still wait").isEqualTo(200);
    }

    @Test
    void firstProbesStartInTheOrderTheyCame() {
        request("tenant", Priority.ROUTINE, 10);
        request("tenant", Priority.ROUTINE, 20);
        var fresh = request("tenant", Priority.FIRST, 3);

        endOldest(3);

        assertThat(startOrder).containsExactlyElementsOf(fresh);
    }

    @Test
    void aFloodOfFirstProbesLeavesRoutineOnesOneSlotInFive() {
        request("tenant", Priority.ROUTINE, 10);
        var routine = request("tenant", Priority.ROUTINE, 40);
        request("tenant", Priority.FIRST, 1000);

        endOldest(100);

        long routineStarted = startOrder.stream().filter(p -> p.priority() == Priority.ROUTINE).count();
        assertThat(routineStarted).as("one in FIRST_PROBES_IN_A_ROW + 1 of 100 freed slots")
                .isEqualTo(100 / (ProbeGate.FIRST_PROBES_IN_A_ROW + 1));
        // never more than FIRST_PROBES_IN_A_ROW first probes between two routine ones
        int inARow = 0;
        for (var p : startOrder) {
            inARow = p.priority() == Priority.FIRST ? inARow + 1 : 0;
            assertThat(inARow).isLessThanOrEqualTo(ProbeGate.FIRST_PROBES_IN_A_ROW);
        }
        assertThat(routine.stream().filter(Probe::started).map(Probe::order))
                .as("routine probes still start oldest first").isSortedAccordingTo(Integer::compare);
    }

    @Test
    void routineProbesAllStartWhileNewResourcesKeepComing() {
        request("tenant", Priority.ROUTINE, 10);
        var routine = request("tenant", Priority.ROUTINE, 30);

        // more first probes arrive than slots free up: without a share for routine ones they would wait forever
        for (int i = 0; i < 200 && !routine.stream().allMatch(Probe::started); i++) {
            request("tenant", Priority.FIRST, 2);
            endOldest();
        }

        assertThat(routine).allMatch(Probe::started);
    }

    @Test
    void withNoRoutineProbeWaitingFirstProbesTakeEveryFreedSlot() {
        request("tenant", Priority.ROUTINE, 10);
        request("tenant", Priority.FIRST, 50);

        endOldest(20);

        assertThat(startOrder).hasSize(20).allMatch(p -> p.priority() == Priority.FIRST);
    }

    @Test
    void theFirstProbePriorityStaysWithinANamespacesFairShare() {
        request("big", Priority.ROUTINE, 10);
        request("big", Priority.FIRST, 100);
        var small = request("small", Priority.ROUTINE, 2);

        endOldest(2);

        assertThat(small).as("another namespace's routine probes still get their turn").allMatch(Probe::started);
    }

    @Test
    void aCancelledFirstProbeGivesUpItsPlace() {
        request("tenant", Priority.ROUTINE, 10);
        var routine = request("tenant", Priority.ROUTINE, 1).get(0);
        var fresh = request("tenant", Priority.FIRST, 1).get(0);

        fresh.slot().cancel(false);
        endOldest();

        assertThat(routine.started()).isTrue();
        assertThat(gate.waiting("tenant")).isZero();
    }

    private List<Probe> request(String namespace, Priority priority, int count) {
        var asked = new ArrayList<Probe>();
        for (int i = 0; i < count; i++) {
            var probe = new Probe(namespace, priority, probes.size(), gate.acquire(namespace, priority));
            boolean waits = !probe.slot().isDone();
            probes.add(probe);
            asked.add(probe);
            probe.slot().thenRun(() -> {
                running.add(probe);
                if (waits) {
                    startOrder.add(probe);
                }
            });
        }
        return asked;
    }

    private void endOldest(int times) {
        for (int i = 0; i < times; i++) {
            endOldest();
        }
    }

    private void endOldest() {
        var oldest = running.poll();
        assertThat(oldest).isNotNull();
        gate.release(oldest.namespace());
    }
}
