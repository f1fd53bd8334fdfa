package io.smtpprobe.operator.controller;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.core.ProbeReport;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The event source through which a finished probe comes back to the SDK: a reconciliation starts a
 * probe and returns, and the probe's completion triggers the reconciliation that writes its status,
 * so no reconciler thread waits on a socket. It also passes on deletions, which the SDK does not
 * hand to a reconciler without a finalizer (and the operator may not add one: it may only write status).
 */
final class ProbeCompletions extends AbstractEventSource<ProbeReport, SmtpProbe> implements ResourceEventAware<SmtpProbe> {
    private final Consumer<ResourceKey> deleted;

    ProbeCompletions(Consumer<ResourceKey> deleted) {
        super(ProbeReport.class, "probe-completions");
        this.deleted = deleted;
    }

    /** Reconcile this resource: a probe of it finished. */
    void finished(ResourceKey key) {
        if (isRunning()) {
            getEventHandler().handleEvent(new Event(key.toResourceId()));
        }
    }

    @Override
    public void onResourceDeleted(SmtpProbe resource) {
        deleted.accept(ResourceKey.of(resource));
    }

    @Override
    public Set<ProbeReport> getSecondaryResources(SmtpProbe primary) {
        return Set.of();
    }
}
