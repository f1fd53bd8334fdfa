package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches SmtpProbe resources with fabric8 informers and hands them to the reconciler. Informers
 * run on every replica (the REST API and readiness use their caches); only the lease holder
 * probes.
 */
public final class SmtpProbeOperator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SmtpProbeOperator.class);
    /** Long enough for a healthy API server to take the queued status writes, short against a pod's grace period. */
    static final java.time.Duration SHUTDOWN_DRAIN = java.time.Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final OperatorSettings settings;
    private final SmtpProbeReconciler reconciler;
    private final List<SharedIndexInformer<SmtpProbe>> informers = new ArrayList<>();
    private volatile CompletableFuture<?> election;
    private volatile io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector elector;
    private volatile boolean stopping;

    public SmtpProbeOperator(KubernetesClient client, OperatorSettings settings, SmtpProbeReconciler reconciler) {
        this.client = client;
        this.settings = settings;
        this.reconciler = reconciler;
    }

    public synchronized void start() {
        var handler = new ResourceEventHandler<SmtpProbe>() {
            @Override
            public void onAdd(SmtpProbe resource) {
                reconciler.added(resource);
            }

            @Override
            public void onUpdate(SmtpProbe old, SmtpProbe resource) {
                reconciler.updated(old, resource);
            }

            @Override
            public void onDelete(SmtpProbe resource, boolean finalStateUnknown) {
                reconciler.deleted(resource);
            }
        };
        var resources = client.resources(SmtpProbe.class);
        if (settings.watchNamespaces().isEmpty()) {
            informers.add(resources.inAnyNamespace().runnableInformer(0));
        } else {
            settings.watchNamespaces().forEach(ns -> informers.add(resources.inNamespace(ns).runnableInformer(0)));
        }
        for (var informer : informers) {
            informer.addEventHandler(handler);
            // Keep retrying when the CRD is not installed yet or the API server is away at start-up.
            informer.exceptionHandler((started, error) -> {
                LOG.warnf("watching SmtpProbe resources failed, retrying: %s", error.getMessage());
                return true;
            });
            informer.start();
        }
        if (settings.leaderElection()) {
            elect();
        } else {
            reconciler.activate(known());
        }
    }

    /** Ready when every informer has listed and is watching, i.e. the caches are trustworthy. */
    public boolean isWatching() {
        return !informers.isEmpty() && informers.stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    public boolean isLeader() {
        return reconciler.isActive();
    }

    public Collection<SmtpProbe> known() {
        var all = new ArrayList<SmtpProbe>();
        informers.forEach(i -> all.addAll(i.getStore().list()));
        return all;
    }

    public SmtpProbe get(String namespace, String name) {
        for (var informer : informers) {
            var found = informer.getStore().getByKey(namespace + "/" + name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private void elect() {
        var config = new LeaderElectionConfigBuilder()
                .withName(settings.leaseName())
                .withLock(new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            LOG.infof("%s acquired lease %s/%s: probing", settings.identity(), settings.leaseNamespace(), settings.leaseName());
                            reconciler.activate(known());
                        },
                        () -> {
                            LOG.infof("%s lost lease %s/%s: probing stopped", settings.identity(), settings.leaseNamespace(), settings.leaseName());
                            reconciler.deactivate();
                        },
                        leader -> LOG.debugf("lease %s is held by %s", settings.leaseName(), leader)))
                .build();
        var built = client.leaderElector().withConfig(config).build();
        elector = built;
        var started = built.start();
        election = started;
        // The elector gives up after losing the lease; stand for election again so a replica that lost
        // it through a network blip can take over later.
        started.whenComplete((v, e) -> {
            if (!stopping) {
                CompletableFuture.delayedExecutor(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                    if (!stopping) {
                        elect();
                    }
                });
            }
        });
    }

    @Override
    public synchronized void close() {
        stopping = true;
        reconciler.drain(SHUTDOWN_DRAIN);
        reconciler.deactivate();
        var e = election;
        if (e != null) {
            e.cancel(true);
        }
        // Cancelling alone leaves the Lease naming us until it expires, so a rolling update would
        // leave nobody probing for a whole lease duration; releasing hands it over at once.
        var held = elector;
        if (held != null) {
            try {
                boolean released = held.release();
                LOG.infof("%s lease %s/%s on shutdown", released ? "released" : "did not hold", settings.leaseNamespace(), settings.leaseName());
            } catch (RuntimeException ex) {
                LOG.warnf("could not release lease %s/%s: %s", settings.leaseNamespace(), settings.leaseName(), ex.getMessage());
            }
        }
        informers.forEach(SharedIndexInformer::stop);
        informers.clear();
    }
}
