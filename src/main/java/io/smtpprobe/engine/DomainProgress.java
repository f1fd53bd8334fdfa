package io.smtpprobe.engine;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What one domain has reached so far, so that a run ended by its deadline still reports every
 * server that finished, and says which domains did not.
 */
final class DomainProgress {
    private final String label;
    private List<MxHost> mx = List.of();
    private final List<ServerResult> servers = new ArrayList<>();
    private boolean cutShort;

    DomainProgress(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    synchronized void resolved(List<MxHost> hosts) {
        mx = List.copyOf(hosts);
    }

    synchronized void finished(ServerResult server) {
        servers.add(server);
    }

    /** The run deadline came before this domain had a verdict. */
    synchronized void cutShort() {
        cutShort = true;
    }

    synchronized boolean wasCutShort() {
        return cutShort;
    }

    /** The domain as far as it got: the servers that finished, under the reason that says it did not. */
    synchronized DomainResult unfinished(RunDeadline deadline) {
        return unfinished(label, mx, new ArrayList<>(servers), deadline);
    }

    static DomainResult unfinished(String label, List<MxHost> mx, List<ServerResult> servers, RunDeadline deadline) {
        return new DomainResult(label, Outcome.TransientFailure, Reason.RunDeadlineExceeded, deadline.notFinished(), mx, servers);
    }
}
