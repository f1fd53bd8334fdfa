package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.config.OperatorSettings;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.engine.ProbeRunner;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One operator instance wired as {@link OperatorLifecycle} wires it, but with test settings and
 * no jitter, plus the resource edits tests make. Closing it is an operator shutdown; the
 * resources and their status stay on the API server.
 */
final class TestOperator implements AutoCloseable {
    static final String NS = "mail";

    final KubernetesClient client;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LatestResults results = new LatestResults();
    final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService writers = Executors.newFixedThreadPool(2);
    final StatusWriter writer;
    final SmtpProbeOperator operator;
    private boolean closed;

    private TestOperator(KubernetesClient client, ProbeRunner runner, OperatorSettings settings, Executor publisher) {
        this.client = client;
        this.writer = new StatusWriter(client, settings.statusRetries());
        var holder = new SmtpProbeOperator[1];
        var reconciler = new SmtpProbeReconciler(runner, control, publisher == null ? writers : publisher, Clock.systemUTC(), settings, new Schedule(new Random(7), 0),
                writer, new ProbeEvents(client, Clock.systemUTC()), new ProbeMetrics(registry), results,
                key -> holder[0].get(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)));
        this.operator = new SmtpProbeOperator(client, settings, reconciler);
        holder[0] = operator;
    }

    /** Starts watching and returns once the informer caches are filled. */
    static TestOperator start(KubernetesClient client, ProbeRunner runner, OperatorSettings settings) {
        return start(client, runner, settings, null);
    }

    /** With {@code publisher} running the status writes, e.g. one that holds them back. */
    static TestOperator start(KubernetesClient client, ProbeRunner runner, OperatorSettings settings, Executor publisher) {
        var started = new TestOperator(client, runner, settings, publisher);
        started.operator.start();
        await(started.operator::isWatching);
        return started;
    }

    /** Settings with a minimum interval short enough for tests. */
    static OperatorSettings settings() {
        return OperatorSettings.defaults().withMinInterval(Duration.ofMillis(100));
    }

    static void installCrd(KubernetesClient client) {
        try (var in = new FileInputStream("crds/smtpprobes.smtpprobe.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void create(KubernetesClient client, String name, Consumer<SmtpProbeSpec> spec) {
        var probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        probe.setSpec(new SmtpProbeSpec());
        spec.accept(probe.getSpec());
        client.resources(SmtpProbe.class).inNamespace(NS).resource(probe).create();
    }

    /** Like {@code kubectl edit}: the operator may write status in between, so a conflict is retried on the fresh object. */
    static void edit(KubernetesClient client, String name, Consumer<SmtpProbe> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(SmtpProbe.class).inNamespace(NS).withName(name).edit(p -> {
                    change.accept(p);
                    return p;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    static SmtpProbeStatus status(KubernetesClient client, String name) {
        var probe = client.resources(SmtpProbe.class).inNamespace(NS).withName(name).get();
        return probe == null ? null : probe.getStatus();
    }

    static void await(BooleanSupplier condition) {
        await(condition, Duration.ofSeconds(5));
    }

    static void await(BooleanSupplier condition, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + bound);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        operator.close();
        control.shutdownNow();
        writers.shutdownNow();
    }
}
