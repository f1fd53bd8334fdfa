package io.smtpprobe.testsupport;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every probe of every SmtpProbe as a watcher of the API server sees it: each status with a new
 * {@code lastProbeTime} is one probe, by the replica its {@code probedBy} names. What the sharding
 * tests judge: who probed how much, probes of one resource closer than an interval, gaps longer than
 * an interval plus a takeover, and status writes per probe.
 */
public final class ProbeLedger implements ResourceEventHandler<SmtpProbe> {

    /** One probe: when it ended (second precision, as stored), who ran it, and when the watcher saw it. */
    public record Probe(Instant at, String by, Instant seen) {
    }

    private final Map<String, List<Probe>> probes = new ConcurrentHashMap<>();
    private final AtomicLong statusWrites = new AtomicLong();

    @Override
    public void onAdd(SmtpProbe resource) {
        onUpdate(null, resource);
    }

    @Override
    public void onUpdate(SmtpProbe old, SmtpProbe now) {
        var status = now.getStatus();
        if (status == null || status.lastProbeTime() == null) {
            return;
        }
        if (old != null && status.equals(old.getStatus())) {
            return;
        }
        statusWrites.incrementAndGet();
        List<Probe> list = probes.computeIfAbsent(now.getMetadata().getName(), k -> Collections.synchronizedList(new ArrayList<>()));
        synchronized (list) {
            Instant at = Instant.parse(status.lastProbeTime());
            if (list.isEmpty() || !list.get(list.size() - 1).at().equals(at)) {
                list.add(new Probe(at, String.valueOf(status.probedBy()), Instant.now()));
            }
        }
    }

    @Override
    public void onDelete(SmtpProbe resource, boolean deletedFinalStateUnknown) {
    }

    public int resources() {
        return probes.size();
    }

    public long statusWrites() {
        return statusWrites.get();
    }

    public long probeCount() {
        return probes.values().stream().mapToLong(List::size).sum();
    }

    public List<Probe> of(String name) {
        List<Probe> list = probes.getOrDefault(name, List.of());
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    public Map<String, List<Probe>> all() {
        Map<String, List<Probe>> copy = new TreeMap<>();
        probes.keySet().forEach(name -> copy.put(name, of(name)));
        return copy;
    }

    /** Probes per replica that ended at or after {@code from}. */
    public Map<String, Long> probesByReplica(Instant from) {
        Map<String, Long> by = new TreeMap<>();
        all().values().forEach(list -> list.stream().filter(p -> !p.at().isBefore(from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .forEach(p -> by.merge(p.by(), 1L, Long::sum)));
        return by;
    }

    /** Resources whose latest probe was run by each replica. */
    public Map<String, Long> latestOwners() {
        Map<String, Long> by = new TreeMap<>();
        all().values().forEach(list -> {
            if (!list.isEmpty()) {
                by.merge(list.get(list.size() - 1).by(), 1L, Long::sum);
            }
        });
        return by;
    }

    /** Resources with a probe that ended at or after {@code from}. */
    public long probedSince(Instant from) {
        Instant second = from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return all().values().stream().filter(list -> list.stream().anyMatch(p -> !p.at().isBefore(second))).count();
    }

    /** Consecutive probes of one resource closer than {@code minGap}: a resource probed twice in one interval. */
    public List<String> closerThan(Duration minGap) {
        List<String> found = new ArrayList<>();
        all().forEach((name, list) -> {
            for (int i = 1; i < list.size(); i++) {
                Duration gap = Duration.between(list.get(i - 1).at(), list.get(i).at());
                if (gap.compareTo(minGap) < 0) {
                    found.add(name + ": " + list.get(i - 1) + " then " + list.get(i) + " (" + gap.toMillis() + " ms)");
                }
            }
        });
        return found;
    }

    /**
     * Gaps longer than {@code maxGap} between consecutive probes of one resource, and from its last
     * probe until {@code until}: a resource left unprobed.
     */
    public List<String> longerThan(Duration maxGap, Instant until) {
        return longerThan(maxGap, Instant.MIN, until);
    }

    /** As {@link #longerThan(Duration, Instant)}, counting only gaps that begin at or after {@code since}. */
    public List<String> longerThan(Duration maxGap, Instant since, Instant until) {
        List<String> found = new ArrayList<>();
        all().forEach((name, list) -> {
            for (int i = 1; i <= list.size(); i++) {
                Instant from = list.get(i - 1).at();
                if (from.isBefore(since)) {
                    continue;
                }
                Instant to = i < list.size() ? list.get(i).at() : until;
                if (Duration.between(from, to).compareTo(maxGap) > 0) {
                    found.add(name + ": unprobed from " + from + " to " + to);
                }
            }
        });
        return found;
    }

    /** The longest gap between two probes of one resource that begins at or after {@code since}, or null with none. */
    public Duration longestGap(Instant since) {
        Duration longest = null;
        for (List<Probe> list : all().values()) {
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i - 1).at().isBefore(since)) {
                    continue;
                }
                Duration gap = Duration.between(list.get(i - 1).at(), list.get(i).at());
                if (longest == null || gap.compareTo(longest) > 0) {
                    longest = gap;
                }
            }
        }
        return longest;
    }

    /** The shortest gap between two probes of one resource, or null with none. */
    public Duration shortestGap() {
        Duration shortest = null;
        for (List<Probe> list : all().values()) {
            for (int i = 1; i < list.size(); i++) {
                Duration gap = Duration.between(list.get(i - 1).at(), list.get(i).at());
                if (shortest == null || gap.compareTo(shortest) < 0) {
                    shortest = gap;
                }
            }
        }
        return shortest;
    }
}
