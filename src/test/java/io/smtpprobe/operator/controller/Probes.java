package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The resource edits and waits the operator tests make, as a user with kubectl would. */
final class Probes {
    static final String NS = "mail";

    private Probes() {
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
            } catch (KubernetesClientException e) {
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
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
