package io.smtpprobe.operator.sharding;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Membership through Leases in the API server: one Lease per replica, labelled with the shard group,
 * renewed every retry period; the members are the replicas whose Leases are still changing. Each
 * sync renews this replica's Lease and lists the group's Leases ({@link ShardState} judges them);
 * a watchdog re-evaluates the view between syncs, so a replica that cannot reach the API server
 * stops acting on time even while a request hangs.
 */
public final class LeaseMembership implements Ownership, AutoCloseable {
    public static final String GROUP_LABEL = "smtpprobe.io/shard-group";
    private static final Logger LOG = Logger.getLogger(LeaseMembership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String group;
    private final String identity;
    private final String leaseName;
    private final Duration leaseDuration;
    private final Duration retryPeriod;
    private final Clock clock;
    private final ShardState state;
    private final Consumer<ShardView> onChange;
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shard-sync"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shard-watchdog"));
    private Lease lease;
    private ShardView current;

    /**
     * @param onChange called with every new view, one call at a time; it must drop what this replica
     *                 lost before it returns (fencing), and may start what it gained
     */
    public LeaseMembership(KubernetesClient client, String namespace, String group, String identity, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod, Clock clock, Consumer<ShardView> onChange) {
        this.client = client;
        this.namespace = namespace;
        this.group = group;
        this.identity = identity;
        this.leaseName = leaseName(group, identity);
        this.leaseDuration = leaseDuration;
        this.retryPeriod = retryPeriod;
        this.clock = clock;
        this.state = new ShardState(identity, leaseDuration, renewDeadline, clock);
        this.onChange = onChange;
        this.current = ShardView.idle(identity);
    }

    /** One Lease per replica: the group, then the identity (a pod name), within a Lease name's 253 characters. */
    static String leaseName(String group, String identity) {
        String name = group + "-" + identity;
        return name.length() <= 253 ? name : name.substring(0, 253);
    }

    public void start() {
        long retryMs = retryPeriod.toMillis();
        sync.scheduleWithFixedDelay(this::sync, 0, retryMs, TimeUnit.MILLISECONDS);
        watchdog.scheduleAtFixedRate(this::view, retryMs / 4, Math.max(50, retryMs / 4), TimeUnit.MILLISECONDS);
        LOG.infof("sharding: %s joins group %s through Lease %s/%s (lease %s, acting after that long)", identity, group,
                namespace, leaseName, leaseDuration);
    }

    /** The view as of now: a change found here is applied (lost resources dropped) before it is returned. */
    public synchronized ShardView view() {
        ShardView next = state.view();
        if (!next.equals(current)) {
            ShardView previous = current;
            current = next;
            LOG.infof("sharding: %s view %s%s (was %s%s)", identity, next.members(), next.acting() ? " acting" : " not acting",
                    previous.members(), previous.acting() ? " acting" : " not acting");
            onChange.accept(next);
        }
        return current;
    }

    @Override
    public boolean owns(String uid) {
        return view().owns(uid);
    }

    private void sync() {
        try {
            renew();
            Map<String, String> leases = new HashMap<>();
            for (Lease each : client.leases().inNamespace(namespace).withLabel(GROUP_LABEL, group).list().getItems()) {
                String holder = each.getSpec() == null ? null : each.getSpec().getHolderIdentity();
                if (holder != null && !holder.isBlank()) {
                    leases.put(holder, each.getMetadata().getResourceVersion());
                }
            }
            state.synced(leases);
            for (String gone : state.abandoned()) {
                LOG.infof("sharding: deleting the Lease of %s, unchanged for long", gone);
                client.leases().inNamespace(namespace).withName(leaseName(group, gone)).delete();
            }
        } catch (RuntimeException e) {
            LOG.warnf("sharding: %s could not renew or list Leases: %s", identity, e.getMessage());
            lease = null;
        }
        view();
    }

    private void renew() {
        var now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
        if (lease != null) {
            lease.getSpec().setRenewTime(now);
            try {
                lease = client.leases().inNamespace(namespace).resource(lease).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw e;
                }
            }
        }
        Lease existing = client.leases().inNamespace(namespace).withName(leaseName).get();
        if (existing == null) {
            lease = client.leases().inNamespace(namespace).resource(new LeaseBuilder()
                    .withNewMetadata().withName(leaseName).withNamespace(namespace).addToLabels(GROUP_LABEL, group).endMetadata()
                    .withNewSpec().withHolderIdentity(identity).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                    .withAcquireTime(now).withRenewTime(now).endSpec().build()).create();
        } else {
            existing.getSpec().setHolderIdentity(identity);
            existing.getSpec().setLeaseDurationSeconds((int) leaseDuration.toSeconds());
            existing.getSpec().setRenewTime(now);
            lease = client.leases().inNamespace(namespace).resource(existing).update();
        }
    }

    /**
     * Leaves the group for good: the view turns idle (the listener drops everything), then the Lease
     * is deleted, so the others take over on their next sync instead of after the lease duration.
     * Call it once probing and status writes have stopped.
     */
    @Override
    public void close() {
        sync.shutdownNow();
        watchdog.shutdownNow();
        state.leave();
        view();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
            client.leases().inNamespace(namespace).withName(leaseName).delete();
            LOG.infof("sharding: %s left group %s, Lease %s/%s deleted", identity, group, namespace, leaseName);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("sharding: could not delete Lease %s/%s: %s (the others take over once it expires)", namespace,
                    leaseName, e.getMessage());
        }
    }

    public String identity() {
        return identity;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return Objects.toString(current);
    }
}
