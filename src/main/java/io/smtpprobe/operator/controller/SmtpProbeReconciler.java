package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.sharding.Ownership;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Decides, per SmtpProbe, what its status says and when it is probed next. A reconciliation never
 * waits for a probe: it starts one and returns, and the probe's completion
 * ({@link ProbeCompletions}) triggers the reconciliation that writes the result, then asks the SDK
 * to come back when the next probe is due. Only a new generation triggers a reconciliation (the
 * SDK's generation-aware filter), so the operator's own status writes never cause a probe.
 *
 * <p>The status is written here rather than returned as {@code UpdateControl.patchStatus}: Events
 * announce a result only once the status that states it is stored, and the SDK does not tell the
 * reconciler whether its patch went through. A conflict fails the reconciliation, and the SDK's
 * retry runs it again on the fresh object, with the probe result still held by {@link ProbeCycles}.
 */
@ControllerConfiguration(name = SmtpProbeReconciler.NAME)
public final class SmtpProbeReconciler implements Reconciler<SmtpProbe> {
    static final String NAME = "smtpprobe";
    private static final Logger LOG = Logger.getLogger(SmtpProbeReconciler.class);
    private static final Duration AUTH_SECRET_RETRY = Duration.ofSeconds(30);

    private final ProbeCycles cycles;
    private final ProbeRequestMapper mapper;
    private final SmtpProbeStatusAggregator aggregator;
    private final StatusWriter writer;
    private final ProbeEvents events;
    private final ProbeMetrics metrics;
    private final LatestResults results;
    private final ProbeCompletions completions;
    private final Ownership ownership;
    private final String replica;
    private final AuthSecrets secrets;
    private volatile IndexedResourceCache<SmtpProbe> cache;

    SmtpProbeReconciler(ProbeCycles cycles, ProbeRequestMapper mapper, SmtpProbeStatusAggregator aggregator,
            StatusWriter writer, ProbeEvents events, ProbeMetrics metrics, LatestResults results) {
        this(cycles, mapper, aggregator, writer, events, metrics, results, Ownership.ALL, null, null);
    }

    /** @param secrets reads spec.auth.secretRef at probe time; null: no client to read with (tests without auth) */
    SmtpProbeReconciler(ProbeCycles cycles, ProbeRequestMapper mapper, SmtpProbeStatusAggregator aggregator,
            StatusWriter writer, ProbeEvents events, ProbeMetrics metrics, LatestResults results, AuthSecrets secrets) {
        this(cycles, mapper, aggregator, writer, events, metrics, results, Ownership.ALL, null, secrets);
    }

    SmtpProbeReconciler(ProbeCycles cycles, ProbeRequestMapper mapper, SmtpProbeStatusAggregator aggregator,
            StatusWriter writer, ProbeEvents events, ProbeMetrics metrics, LatestResults results, Ownership ownership,
            String replica) {
        this(cycles, mapper, aggregator, writer, events, metrics, results, ownership, replica, null);
    }

    /**
     * @param ownership which resources this replica probes (sharding), asked before each probe and each status write
     * @param replica   this replica's name for {@code status.probedBy}; null leaves it out
     * @param secrets   reads spec.auth.secretRef at probe time; null: no client to read with (tests without auth)
     */
    SmtpProbeReconciler(ProbeCycles cycles, ProbeRequestMapper mapper, SmtpProbeStatusAggregator aggregator,
            StatusWriter writer, ProbeEvents events, ProbeMetrics metrics, LatestResults results, Ownership ownership,
            String replica, AuthSecrets secrets) {
        this.ownership = ownership;
        this.replica = replica;
        this.secrets = secrets;
        this.cycles = cycles;
        this.mapper = mapper;
        this.aggregator = aggregator;
        this.writer = writer;
        this.events = events;
        this.metrics = metrics;
        this.results = results;
        this.completions = new ProbeCompletions(this::deleted);
        cycles.onFinished(completions::finished);
    }

    @Override
    public List<EventSource<?, SmtpProbe>> prepareEventSources(EventSourceContext<SmtpProbe> context) {
        cache = context.getPrimaryCache();
        return List.of(completions);
    }

    /** The SDK's informer cache of SmtpProbe resources; null until the controller is registered. */
    IndexedResourceCache<SmtpProbe> cache() {
        return cache;
    }

    @Override
    public UpdateControl<SmtpProbe> reconcile(SmtpProbe resource, Context<SmtpProbe> context) {
        if (!cycles.isActive()) {
            return UpdateControl.noUpdate();
        }
        var key = ResourceKey.of(resource);
        if (!ownership.owns(resource.getMetadata().getUid())) {
            // Another replica's share: parked until a view change hands it to this one (claim).
            release(key);
            return UpdateControl.noUpdate();
        }
        var cycle = cycles.of(resource);
        var stored = resource.getStatus();
        if (cycle.firstVisit() && stored != null && stored.consecutiveFailures() != null) {
            // Alerts on failures in a row see the stored count at once, not a reset to zero.
            cycle.ifCurrent(() -> metrics.consecutiveFailures(key, stored.consecutiveFailures()));
        }
        if (Boolean.TRUE.equals(resource.getSpec() == null ? null : resource.getSpec().getSuspend())) {
            write(resource, aggregator.suspended(stored, cycle.generation), false);
            return UpdateControl.noUpdate();
        }
        ProbePlan plan;
        try {
            plan = mapper.map(resource.getSpec());
        } catch (InvalidSpecException e) {
            var invalid = aggregator.invalid(e.getMessage(), stored, cycle.generation);
            if (write(resource, invalid, false) == WriteOutcome.Written) {
                events.emit(resource, "Warning", OperatorReason.InvalidSpec.name(), invalid.message());
            }
            return UpdateControl.noUpdate();
        }
        var finished = cycle.finished();
        if (finished != null) {
            return publish(resource, cycle, finished, plan.expectation());
        }
        if (cycle.busy()) {
            return UpdateControl.noUpdate();
        }
        var wait = cycles.untilDue(cycle, stored, plan.interval());
        if (!wait.isZero()) {
            return UpdateControl.<SmtpProbe>noUpdate().rescheduleAfter(wait);
        }
        var request = plan.request();
        if (resource.getSpec().getAuth() != null) {
            try {
                request = withLogin(resource);
            } catch (AuthSecrets.UnavailableException e) {
                var unavailable = aggregator.authSecretUnavailable(e.getMessage(), stored, cycle.generation);
                if (write(resource, unavailable, false) == WriteOutcome.Written) {
                    events.emit(resource, "Warning", OperatorReason.AuthSecretUnavailable.name(), unavailable.message());
                }
                // nothing watches the Secret: look again soon, a fixed RBAC or a new Secret is picked up then
                return UpdateControl.<SmtpProbe>noUpdate().rescheduleAfter(atMost(plan.interval(), AUTH_SECRET_RETRY));
            }
        }
        cycles.start(cycle, request);
        return UpdateControl.noUpdate();
    }

    /** The probe's request with the Secret's login, read now; judged by the one validator like the rest of the spec. */
    private io.smtpprobe.core.ProbeRequest withLogin(SmtpProbe resource) throws AuthSecrets.UnavailableException {
        if (secrets == null) {
            throw new AuthSecrets.UnavailableException("this operator reads no Secrets");
        }
        try {
            return mapper.map(resource.getSpec(), secrets.read(resource)).request();
        } catch (InvalidSpecException e) {
            // only the Secret's values were new; the validator's messages never quote them
            throw new AuthSecrets.UnavailableException("the Secret's values are unusable: " + e.getMessage());
        }
    }

    private static Duration atMost(Duration a, Duration b) {
        return a.compareTo(b) > 0 ? b : a;
    }

    /** The one status write of a probe cycle, then the Events and metrics of what it stored. */
    private UpdateControl<SmtpProbe> publish(SmtpProbe resource, ProbeCycles.Cycle cycle, ProbeCycles.Finished finished,
            Expectation expectation) {
        var key = cycle.key;
        var previous = resource.getStatus();
        cycle.recordOnce(finished, () -> {
            if (finished.error() != null) {
                LOG.warnf(finished.error(), "probe of %s failed", key);
                metrics.failed();
            } else {
                results.put(new LatestResults.Latest(key, cycle.generation, finished.at(), finished.report()));
                metrics.record(key, finished.report(), finished.at());
            }
        });
        SmtpProbeStatus computed = finished.error() != null
                ? aggregator.failed(finished.error(), previous, cycle.generation, finished.at(), finished.untilNext())
                : aggregator.probed(finished.report(), expectation, previous, cycle.generation, finished.at(), finished.untilNext());
        SmtpProbeStatus status = replica == null ? computed : computed.toBuilder().probedBy(replica).build();
        var outcome = write(resource, status, true);
        if (outcome == WriteOutcome.Written) {
            metrics.statusWritten(cycles.since(finished));
        }
        var wait = cycles.published(cycle, finished);
        if (outcome == WriteOutcome.Confirmed) {
            // The stored verdict stands (StatusHeartbeat): nothing to announce, but the schedule goes on.
            return UpdateControl.<SmtpProbe>noUpdate().rescheduleAfter(wait);
        }
        if (outcome != WriteOutcome.Written) {
            return UpdateControl.noUpdate();
        }
        if (finished.report() != null) {
            events.resultsChanged(resource, previous, finished.report());
            events.diagnosisChanged(resource, previous, status);
        }
        // The gauge follows the stored status: a write that did not go through changed nothing.
        cycle.ifCurrent(() -> metrics.consecutiveFailures(key, Objects.requireNonNullElse(status.consecutiveFailures(), 0)));
        return UpdateControl.<SmtpProbe>noUpdate().rescheduleAfter(wait);
    }

    /** A conflict fails the reconciliation, so that the SDK retries it, with backoff, on the fresh object. */
    private WriteOutcome write(SmtpProbe resource, SmtpProbeStatus status, boolean always) {
        if (!ownership.owns(resource.getMetadata().getUid())) {
            // The fence: a replica that lost the resource writes nothing more, whatever it still holds.
            release(ResourceKey.of(resource));
            return WriteOutcome.Unchanged;
        }
        var stored = resource.getStatus();
        if (status.probedBy() == null && stored != null && stored.probedBy() != null) {
            // a write without a probe (suspended, invalid spec) keeps naming who probed last
            status = status.toBuilder().probedBy(stored.probedBy()).build();
        }
        var outcome = writer.write(resource, status, always);
        if (outcome == WriteOutcome.Conflict) {
            throw new StatusConflictException(ResourceKey.of(resource));
        }
        return outcome;
    }

    /**
     * Every attempt failed: drop that result and keep the schedule, rather than wait for the SDK's
     * maximum reconciliation interval (hours).
     */
    @Override
    public ErrorStatusUpdateControl<SmtpProbe> updateErrorStatus(SmtpProbe resource, Context<SmtpProbe> context, Exception e) {
        if (context.getRetryInfo().map(retry -> !retry.isLastAttempt()).orElse(false)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        var key = ResourceKey.of(resource);
        LOG.warnf("status of %s not written: %s", key, e.getMessage());
        return ErrorStatusUpdateControl.<SmtpProbe>noStatusUpdate().withNoRetry().rescheduleAfter(atLeast(cycles.giveUp(key), OperatorRuntime.RETRY_MAX_INTERVAL));
    }

    private static Duration atLeast(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? b : a;
    }

    /**
     * A new shard view: resources this replica lost are dropped first (their probes cancelled, results
     * discarded, gauges removed), then every resource it owns is reconciled, which starts the gained ones
     * from their stored {@code lastProbeTime}.
     */
    void viewChanged(Ownership view) {
        var known = cache;
        if (known == null) {
            return;
        }
        var owned = new ArrayList<ResourceKey>();
        known.list().forEach(resource -> {
            var key = ResourceKey.of(resource);
            if (view.owns(resource.getMetadata().getUid())) {
                owned.add(key);
            } else {
                release(key);
            }
        });
        owned.forEach(completions::finished);
    }

    /** Resources in the cache this replica owns now, for the share-per-replica gauge. */
    long ownedCount() {
        var known = cache;
        return known == null ? 0 : known.list().filter(r -> ownership.owns(r.getMetadata().getUid())).count();
    }

    private void release(ResourceKey key) {
        deleted(key);
    }

    private void deleted(ResourceKey key) {
        cycles.forget(key);
        results.remove(key);
        metrics.forget(key);
    }

    /** The object changed between read and write; a 409 as the SDK knows it, which it retries quietly. */
    static final class StatusConflictException extends KubernetesClientException {
        StatusConflictException(ResourceKey key) {
            super("status of " + key + " changed meanwhile", HttpURLConnection.HTTP_CONFLICT, null);
        }
    }
}
