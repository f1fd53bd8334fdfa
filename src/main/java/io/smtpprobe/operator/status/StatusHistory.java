package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.HistoryEntry;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.report.Findings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ring of the last probes kept in {@code .status.history}. Entries hold enum names, times and
 * numbers only, so the ring costs at most {@link #MAX_ENTRIES} times a small constant (see
 * StatusBudgetWorstCaseTest) and the status budget never has to shorten it.
 */
public final class StatusHistory {
    public static final int DEFAULT_ENTRIES = 10;
    /** Enough for a day of hourly probes, small enough that the ring never competes with the verdict for the budget. */
    public static final int MAX_ENTRIES = 50;

    private final int entries;

    public StatusHistory() {
        this(DEFAULT_ENTRIES);
    }

    public StatusHistory(int entries) {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("smtpprobe.status-history must be within 1.." + MAX_ENTRIES + ": " + entries);
        }
        this.entries = entries;
    }

    public int entries() {
        return entries;
    }

    /** The previous status's history, times and flap count followed by this probe, in one builder: still one write. */
    SmtpProbeStatus.Builder record(SmtpProbeStatus.Builder next, SmtpProbeStatus previous, HistoryEntry entry, Instant now) {
        var ring = new ArrayList<>(previous == null || previous.history() == null ? List.<HistoryEntry>of() : previous.history());
        // A cycle published again (its write was retried on a fresh object that already held it) is one probe, not two.
        if (!ring.isEmpty() && ring.get(ring.size() - 1).equals(entry)) {
            return keep(next, previous);
        }
        ring.add(entry);
        while (ring.size() > entries) {
            ring.remove(0);
        }
        String time = Timestamps.format(now);
        boolean ready = Boolean.TRUE.equals(entry.ready());
        return next.history(ring).flaps(flaps(ring))
                .lastSuccessTime(ready ? time : previous == null ? null : previous.lastSuccessTime())
                .lastFailureTime(!ready ? time : previous == null ? null : previous.lastFailureTime());
    }

    /** What a status that is not a probe (invalid spec, suspension) carries over from the one before. */
    static SmtpProbeStatus.Builder keep(SmtpProbeStatus.Builder next, SmtpProbeStatus previous) {
        if (previous == null) {
            return next;
        }
        return next.history(previous.history()).flaps(previous.flaps())
                .lastSuccessTime(previous.lastSuccessTime()).lastFailureTime(previous.lastFailureTime());
    }

    static HistoryEntry entry(ProbeReport report, Outcome result, String reason, boolean ready, Instant now) {
        return new HistoryEntry(Timestamps.format(now), result, reason, ready, latencyOf(report));
    }

    /** Ready flipping between neighbours: a resource that alternates every probe has one flap fewer than entries. */
    static int flaps(List<HistoryEntry> ring) {
        int flaps = 0;
        for (int i = 1; i < ring.size(); i++) {
            if (!Objects.equals(ring.get(i - 1).ready(), ring.get(i).ready())) {
                flaps++;
            }
        }
        return flaps;
    }

    /** The worst domain's deciding dialogue: what an on-call reader compares between probes. */
    static Long latencyOf(ProbeReport report) {
        if (report == null) {
            return null;
        }
        ServerResult deciding = Findings.worst(report.domains()).map(DomainResult::deciding).orElse(null);
        if (deciding == null || deciding.latencyMs() == null || deciding.latencyMs().isEmpty()) {
            return null;
        }
        return deciding.latencyMs().values().stream().mapToLong(Long::longValue).sum();
    }
}
