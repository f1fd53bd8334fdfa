package io.smtpprobe.operator.config;

import java.time.Duration;
import java.util.List;

/**
 * Operator behaviour independent of Quarkus, so the reconciler can be built in tests with short
 * intervals. {@link OperatorConfig} maps the {@code smtpprobe.*} properties onto it.
 *
 * @param watchNamespaces   empty to watch all namespaces
 * @param minInterval       the shortest spec.interval accepted (30s in production)
 * @param jitter            fraction of the interval by which runs are spread, e.g. 0.1
 * @param statusRetries     attempts of a status write that meets a conflict (409)
 * @param statusWriters     status writes (and Events) in flight to the API server at once
 */
public record OperatorSettings(
        List<String> watchNamespaces,
        int maxConcurrentProbes,
        Duration minInterval,
        double jitter,
        String defaultEhloName,
        String defaultMailFrom,
        int statusRetries,
        int statusWriters,
        boolean leaderElection,
        String leaseName,
        String leaseNamespace,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod) {

    public OperatorSettings {
        watchNamespaces = List.copyOf(watchNamespaces);
        if (statusWriters < 1) {
            throw new IllegalArgumentException("smtpprobe.status-writers must be at least 1");
        }
    }

    public static OperatorSettings defaults() {
        return new OperatorSettings(List.of(), 10, Duration.ofSeconds(30), 0.1, "smtp-probe.invalid", "", 3, 8,
                false, "smtp-probe-operator", "default", "local", Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public OperatorSettings withWatchNamespaces(List<String> namespaces) {
        return new OperatorSettings(namespaces, maxConcurrentProbes, minInterval, jitter, defaultEhloName, defaultMailFrom,
                statusRetries, statusWriters, leaderElection, leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public OperatorSettings withMinInterval(Duration min) {
        return new OperatorSettings(watchNamespaces, maxConcurrentProbes, min, jitter, defaultEhloName, defaultMailFrom,
                statusRetries, statusWriters, leaderElection, leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public OperatorSettings withMaxConcurrentProbes(int max) {
        return new OperatorSettings(watchNamespaces, max, minInterval, jitter, defaultEhloName, defaultMailFrom,
                statusRetries, statusWriters, leaderElection, leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public OperatorSettings withLeaderElection(boolean enabled, String name, String namespace, String id,
            Duration lease, Duration renew, Duration retry) {
        return new OperatorSettings(watchNamespaces, maxConcurrentProbes, minInterval, jitter, defaultEhloName, defaultMailFrom,
                statusRetries, statusWriters, enabled, name, namespace, id, lease, renew, retry);
    }
}
