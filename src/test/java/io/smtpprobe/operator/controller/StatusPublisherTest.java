package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StatusPublisherTest {
    final SmtpProbeReconcilerTest.HeldExecutor writers = new SmtpProbeReconcilerTest.HeldExecutor();
    final Map<String, SmtpProbe> cache = new ConcurrentHashMap<>();
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile boolean leading = true;
    final StatusPublisher publisher = new StatusPublisher(writers, cache::get, () -> leading);
    final StatusPublisher.Lane lane = new StatusPublisher.Lane();
    final SmtpProbe seen = probe("uid-1", 1);

    StatusPublisherTest() {
        cache.put("mail/a", seen);
    }

    @Test
    void aNewerWriteReplacesOneStillWaitingAndWritesRunInOrder() {
        var first = publisher.publish(lane, "mail/a", seen, write("first"));
        var second = publisher.publish(lane, "mail/a", seen, write("second"));
        var third = publisher.publish(lane, "mail/a", seen, write("third"));

        writers.release();

        assertThat(written).containsExactly("third");
        assertThat(first.join()).isNull();
        assertThat(second.join()).isNull();
        assertThat(third.join()).isNotNull();
    }

    @Test
    void writeGetsTheObjectAsCachedWhenItRuns() {
        var later = probe("uid-1", 1);
        later.getMetadata().setResourceVersion("42");
        var seenBy = new CopyOnWriteArrayList<String>();
        publisher.publish(lane, "mail/a", seen, fresh -> {
            seenBy.add(fresh.getMetadata().getResourceVersion());
            return new SmtpProbeStatus(1L, null, null, null, null, null, List.of(), null, 0, null);
        });
        cache.put("mail/a", later);

        writers.release();

        assertThat(seenBy).containsExactly("42");
    }

    @Test
    void retiredLaneDropsWritesNotYetStarted() {
        var pending = publisher.publish(lane, "mail/a", seen, write("stale"));
        lane.retire();
        writers.release();

        assertThat(pending.join()).isNull();
        assertThat(written).isEmpty();
    }

    @Test
    void writeForAnObjectThatWasDeletedRecreatedOrChangedIsDropped() {
        writers.release();
        cache.remove("mail/a");
        assertThat(publisher.publish(lane, "mail/a", seen, write("deleted")).join()).isNull();
        cache.put("mail/a", probe("uid-2", 1));
        assertThat(publisher.publish(lane, "mail/a", seen, write("recreated")).join()).isNull();
        cache.put("mail/a", probe("uid-1", 2));
        assertThat(publisher.publish(lane, "mail/a", seen, write("new generation")).join()).isNull();

        assertThat(written).isEmpty();
    }

    @Test
    void replicaThatNoLongerLeadsWritesNothing() {
        var pending = publisher.publish(lane, "mail/a", seen, write("old leader"));
        leading = false;
        writers.release();

        assertThat(pending.join()).isNull();
        assertThat(written).isEmpty();
    }

    @Test
    void writersShutDownFailTheWriteInsteadOfThrowingAtTheCaller() {
        Executor closed = task -> {
            throw new RejectedExecutionException("shut down");
        };
        var refused = new StatusPublisher(closed, cache::get, () -> true).publish(new StatusPublisher.Lane(), "mail/a", seen, write("x"));

        assertThat(refused).isCompletedExceptionally();
    }

    @Test
    void firstStatusOfANewResourceOvertakesRoutineWritesInThePool() throws Exception {
        var pool = StatusPublisher.writerPool(1);
        try {
            var pooled = new StatusPublisher(pool, cache::get, () -> true);
            var busy = new java.util.concurrent.CountDownLatch(1);
            var order = new CopyOnWriteArrayList<String>();
            for (String name : List.of("busy", "routine-1", "routine-2", "new")) {
                var probe = probe("uid-" + name, 1);
                probe.getMetadata().setName(name);
                if (!name.equals("new")) {
                    probe.setStatus(new SmtpProbeStatus(1L, null, null, null, null, null, List.of(), null, 0, null));
                }
                cache.put("mail/" + name, probe);
            }
            pooled.publish(new StatusPublisher.Lane(), "mail/busy", cache.get("mail/busy"), fresh -> {
                await(busy);
                order.add("busy");
                return null;
            });
            for (String name : List.of("routine-1", "routine-2", "new")) {
                pooled.publish(new StatusPublisher.Lane(), "mail/" + name, cache.get("mail/" + name), fresh -> {
                    order.add(name);
                    return null;
                });
            }
            busy.countDown();

            TestOperator.await(() -> order.size() == 4);
            assertThat(order).containsExactly("busy", "new", "routine-1", "routine-2");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Function<SmtpProbe, SmtpProbeStatus> write(String name) {
        return fresh -> {
            written.add(name);
            return new SmtpProbeStatus(1L, null, null, null, null, name, List.of(), null, 0, null);
        };
    }

    private static SmtpProbe probe(String uid, long generation) {
        var probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName("a").withUid(uid).withGeneration(generation).build());
        return probe;
    }
}
