package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Keeps generated SmtpProbes in line with the Services and DNSEndpoints that ask for them. Informers
 * feed owner keys into one worker thread, which reconciles each owner as a whole ({@link ProbeSync});
 * a key queued twice runs once. A hand edit of a generated probe is an event too: the worker
 * overwrites it within moments. The DNSEndpoint informer starts once API discovery shows the CRD,
 * looked for again every {@code crdCheckInterval} while it is missing.
 */
public final class DiscoveryController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DiscoveryController.class);
    private static final long RESYNC_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final Duration WAIT_FOR_CACHE = Duration.ofMillis(500);

    record OwnerKey(String kind, String namespace, String name) {
    }

    private final KubernetesClient client;
    private final DiscoveryConfig config;
    private final List<String> namespaces;
    private final BooleanSupplier dnsEndpointCrdInstalled;
    private final ServiceProbes serviceProbes;
    private final ProbeSync sync;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "smtpprobe-discovery");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<OwnerKey, Boolean> queued = new ConcurrentHashMap<>();
    private final Map<OwnerKey, String> lastSkipLogged = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<SmtpProbe>> probeInformers = new ArrayList<>();
    private final List<SharedIndexInformer<Service>> serviceInformers = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> endpointInformers = new ArrayList<>();

    /**
     * @param namespaces where to look; empty: all namespaces
     * @param dnsEndpointCrdInstalled whether the API server serves DNSEndpoints now (API discovery in production)
     */
    public DiscoveryController(KubernetesClient client, DiscoveryConfig config, List<String> namespaces,
            BooleanSupplier dnsEndpointCrdInstalled) {
        this.client = client;
        this.config = config;
        this.namespaces = List.copyOf(namespaces);
        this.dnsEndpointCrdInstalled = dnsEndpointCrdInstalled;
        this.serviceProbes = new ServiceProbes(config.clusterDomain());
        this.sync = new ProbeSync(client);
    }

    /** For production: the CRD counts as installed when API discovery lists DNSEndpoint. */
    public static DiscoveryController forCluster(KubernetesClient client, DiscoveryConfig config, List<String> namespaces) {
        return new DiscoveryController(client, config, namespaces,
                () -> client.supports(DnsEndpointProbes.API_VERSION, DnsEndpointProbes.KIND));
    }

    public void start() {
        for (String namespace : scopes()) {
            var probes = namespace == null ? client.resources(SmtpProbe.class).inAnyNamespace()
                    : client.resources(SmtpProbe.class).inNamespace(namespace);
            probeInformers.add(start(probes.withLabel(GeneratedProbes.MANAGED_BY_LABEL, GeneratedProbes.MANAGED_BY)
                    .runnableInformer(RESYNC_MILLIS), new ProbeEvents()));
            if (config.services()) {
                var services = namespace == null ? client.services().inAnyNamespace() : client.services().inNamespace(namespace);
                serviceInformers.add(start(services.runnableInformer(RESYNC_MILLIS), new OwnerEvents<>("Service",
                        serviceProbes::asksForProbe)));
            }
        }
        if (config.dnsEndpoints()) {
            worker.execute(this::watchDnsEndpointsOnceInstalled);
        }
        LOG.infof("discovery started: services=%s dnsEndpoints=%s namespaces=%s clusterDomain=%s", config.services(),
                config.dnsEndpoints(), namespaces.isEmpty() ? "all" : namespaces, config.clusterDomain());
    }

    /** Whether the DNSEndpoint informer runs (the CRD was found). */
    public boolean watchesDnsEndpoints() {
        return !endpointInformers.isEmpty();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        probeInformers.forEach(SharedIndexInformer::close);
        serviceInformers.forEach(SharedIndexInformer::close);
        endpointInformers.forEach(SharedIndexInformer::close);
    }

    private void watchDnsEndpointsOnceInstalled() {
        boolean installed;
        try {
            installed = dnsEndpointCrdInstalled.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.debugf("could not ask API discovery for %s: %s", DnsEndpointProbes.API_VERSION, e.getMessage());
            installed = false;
        }
        if (!installed) {
            LOG.debugf("no %s %s in API discovery: looking again in %s", DnsEndpointProbes.API_VERSION, DnsEndpointProbes.KIND,
                    config.crdCheckInterval());
            worker.schedule(this::watchDnsEndpointsOnceInstalled, config.crdCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        for (String namespace : scopes()) {
            var endpoints = client.genericKubernetesResources(DnsEndpointProbes.API_VERSION, DnsEndpointProbes.KIND);
            var scoped = namespace == null ? endpoints.inAnyNamespace() : endpoints.inNamespace(namespace);
            endpointInformers.add(start(scoped.runnableInformer(RESYNC_MILLIS), new OwnerEvents<>(DnsEndpointProbes.KIND,
                    e -> !DnsEndpointProbes.mxDomains(e).isEmpty())));
        }
        LOG.infof("watching %s %s: each MX domain gets a generated SmtpProbe", DnsEndpointProbes.API_VERSION, DnsEndpointProbes.KIND);
    }

    private List<String> scopes() {
        List<String> scopes = new ArrayList<>(namespaces);
        if (scopes.isEmpty()) {
            scopes.add(null);
        }
        return scopes;
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> start(SharedIndexInformer<T> informer,
            ResourceEventHandler<T> handler) {
        informer.addEventHandler(handler);
        // Not awaited: an informer that cannot list yet (API server away) keeps retrying by itself.
        informer.start();
        return informer;
    }

    private void enqueue(OwnerKey key, Duration delay) {
        if (queued.putIfAbsent(key, Boolean.TRUE) == null) {
            try {
                worker.schedule(() -> reconcile(key), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                queued.remove(key);
            }
        }
    }

    private void reconcile(OwnerKey key) {
        queued.remove(key);
        if (!probeInformers.stream().allMatch(SharedIndexInformer::hasSynced)) {
            enqueue(key, WAIT_FOR_CACHE);
            return;
        }
        try {
            Optional<? extends HasMetadata> owner = "Service".equals(key.kind())
                    ? find(serviceInformers, key) : find(endpointInformers, key);
            if (owner.isEmpty()) {
                return;
            }
            List<SmtpProbe> desired = desired(key, owner.get());
            List<SmtpProbe> owned = probeInformers.stream().flatMap(i -> i.getStore().list().stream())
                    .filter(p -> key.namespace().equals(p.getMetadata().getNamespace()))
                    .filter(p -> GeneratedProbes.isOwnedBy(p, owner.get())).toList();
            sync.sync(owner.get(), desired, owned);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422) {
                // The API server refused what the owner's annotations make (a bad interval or recipient): no retry helps.
                LOG.warnf("%s %s/%s: the generated SmtpProbe is invalid: %s", key.kind(), key.namespace(), key.name(),
                        e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
                return;
            }
            LOG.infof("%s %s/%s: generating probes failed (%s), retrying in %s", key.kind(), key.namespace(), key.name(),
                    e.getCode() == HttpURLConnection.HTTP_CONFLICT ? "conflict" : e.getMessage(), RETRY);
            enqueue(key, RETRY);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s %s/%s: generating probes failed, retrying in %s", key.kind(), key.namespace(), key.name(), RETRY);
            enqueue(key, RETRY);
        }
    }

    private List<SmtpProbe> desired(OwnerKey key, HasMetadata owner) {
        if (owner instanceof Service service) {
            serviceProbes.skipReason(service).ifPresentOrElse(reason -> {
                String version = service.getMetadata().getResourceVersion();
                if (!Objects.equals(lastSkipLogged.put(key, version), version)) {
                    LOG.warnf("Service %s/%s asks for a probe but gets none: %s", key.namespace(), key.name(), reason);
                }
            }, () -> lastSkipLogged.remove(key));
            return serviceProbes.desired(service).map(List::of).orElse(List.of());
        }
        return DnsEndpointProbes.desired((GenericKubernetesResource) owner);
    }

    private static <T extends HasMetadata> Optional<T> find(List<SharedIndexInformer<T>> informers, OwnerKey key) {
        return informers.stream().map(i -> i.getStore().getByKey(key.namespace() + "/" + key.name()))
                .filter(Objects::nonNull).findFirst();
    }

    private static OwnerKey keyOf(String kind, HasMetadata owner) {
        return new OwnerKey(kind, owner.getMetadata().getNamespace(), owner.getMetadata().getName());
    }

    /** Owners: reconciled when they ask for probes now or did before the change (then their probes go). */
    private final class OwnerEvents<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final String kind;
        private final Predicate<T> asksForProbes;

        OwnerEvents(String kind, Predicate<T> asksForProbes) {
            this.kind = kind;
            this.asksForProbes = asksForProbes;
        }

        @Override
        public void onAdd(T owner) {
            if (asksForProbes.test(owner)) {
                enqueue(keyOf(kind, owner), Duration.ZERO);
            }
        }

        @Override
        public void onUpdate(T before, T after) {
            if (asksForProbes.test(before) || asksForProbes.test(after)) {
                enqueue(keyOf(kind, after), Duration.ZERO);
            }
        }

        @Override
        public void onDelete(T owner, boolean finalStateUnknown) {
            // The garbage collector deletes the probes: they name the owner in their ownerReferences.
            lastSkipLogged.remove(keyOf(kind, owner));
        }
    }

    /**
     * Generated probes: a change to spec, labels or owner (never a status write) or a deletion sends
     * their owner back to the worker, which restores what the owner asks for.
     */
    private final class ProbeEvents implements ResourceEventHandler<SmtpProbe> {
        @Override
        public void onAdd(SmtpProbe probe) {
            ownerOf(probe);
        }

        @Override
        public void onUpdate(SmtpProbe before, SmtpProbe after) {
            if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
                    || !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
                    || !Objects.equals(before.getMetadata().getOwnerReferences(), after.getMetadata().getOwnerReferences())) {
                ownerOf(after);
            }
        }

        @Override
        public void onDelete(SmtpProbe probe, boolean finalStateUnknown) {
            ownerOf(probe);
        }

        private void ownerOf(SmtpProbe probe) {
            GeneratedProbes.controller(probe)
                    .filter(r -> "Service".equals(r.getKind()) || DnsEndpointProbes.KIND.equals(r.getKind()))
                    .ifPresent(r -> enqueue(new OwnerKey(r.getKind(), probe.getMetadata().getNamespace(), r.getName()), Duration.ZERO));
        }
    }
}
