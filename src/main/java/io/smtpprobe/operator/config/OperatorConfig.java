package io.smtpprobe.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.operator.status.StatusBudget;
import io.smtpprobe.operator.status.StatusHistory;
import io.smtpprobe.request.RequestDefaults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's {@code smtpprobe.*} settings, each default written here once. Property names and
 * their environment variables are a public interface (the Helm chart sets them): rename nothing.
 * Durations use the Go-style form of {@code spec.interval} ({@code 30s}, {@code 1h30m}), not ISO-8601.
 */
@ConfigMapping(prefix = "smtpprobe")
public interface OperatorConfig {

    Operator operator();

    /** Unset: all namespaces. */
    Optional<List<String>> watchNamespaces();

    /**
     * Probes in flight across all resources; the per-server limit lives in the engine. While
     * namespaces wait for a slot, each freed slot goes to the waiting namespace with the fewest
     * probes running (ProbeGate), so one namespace cannot keep the others out.
     */
    @WithDefault("10")
    int maxConcurrentProbes();

    /**
     * Octets one {@code .status} may take as stored, details dropped first beyond it (StatusBudget);
     * within {@link StatusBudget#MIN_BYTES}..{@link StatusBudget#MAX_BYTES}.
     */
    @WithDefault("" + StatusBudget.DEFAULT_BYTES)
    int statusMaxBytes();

    /** Probes kept in {@code .status.history} (StatusHistory), within 1..{@link StatusHistory#MAX_ENTRIES}. */
    @WithDefault("" + StatusHistory.DEFAULT_ENTRIES)
    int statusHistory();

    /**
     * A probe that finds the stored verdict again is written only once the stored {@code lastProbeTime}
     * is this old (StatusHeartbeat); a changed verdict is written at once. {@code 0s}: every probe is written.
     */
    @WithDefault("0s")
    @WithConverter(OffOrDurationConverter.class)
    Duration statusHeartbeat();

    /** The shortest {@code spec.interval} accepted; the CRD's CEL rule holds the same constant. */
    @WithDefault(SmtpProbeSpec.MIN_INTERVAL)
    @WithConverter(GoDurationConverter.class)
    Duration minInterval();

    /** Runs are spread by ± this fraction of the interval. */
    @WithDefault("0.1")
    double scheduleJitter();

    @WithDefault(RequestDefaults.EHLO_NAME)
    String defaultEhloName();

    /** Unset or empty: the null sender {@code <>}. */
    Optional<String> defaultMailFrom();

    /**
     * How long to wait before retrying a greylisted server when {@code spec.greylistRetry} is not set;
     * {@code 0s} never retries. Bounded by each resource's interval.
     */
    @WithDefault("5m")
    @WithConverter(OffOrDurationConverter.class)
    Duration defaultGreylistRetry();

    /** Attempts of a reconciliation whose status write failed (a 409 conflict, an API server error). */
    @WithDefault("3")
    int statusWriteAttempts();

    /**
     * Reconciliations, and with them status writes and Events, in flight to the API server at once. 32:
     * each thread spends nearly all of a write waiting for the API server, and under load (100 ms and more
     * a write) 8 of them could not keep up with 5,000 resources at a 60 s interval, so results queued.
     */
    @WithDefault("32")
    int statusWriters();

    /**
     * A reached server's certificate ending within this sets the CertificateExpiringSoon condition.
     * Takes days ({@code 14d}) besides the Go-style durations.
     */
    @WithDefault("14d")
    @WithConverter(ExpiryWarningConverter.class)
    Duration certificateExpiryWarning();

    LeaderElection leaderElection();

    Sharding sharding();

    Api api();

    interface Operator {
        /** {@code false} runs only the REST API and health endpoints. */
        @WithDefault("true")
        boolean enabled();
    }

    interface LeaderElection {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("smtp-probe-operator")
        String leaseName();

        /** Unset: the namespace of the client's (the pod's) configuration, else {@code default}. */
        Optional<String> namespace();

        /** Unset: {@code $HOSTNAME}, the pod name. */
        Optional<String> identity();

        @WithDefault("15s")
        @WithConverter(GoDurationConverter.class)
        Duration leaseDuration();

        @WithDefault("10s")
        @WithConverter(GoDurationConverter.class)
        Duration renewDeadline();

        @WithDefault("2s")
        @WithConverter(GoDurationConverter.class)
        Duration retryPeriod();
    }

    /**
     * Several replicas, each probing a disjoint share (io.smtpprobe.operator.sharding). Reuses the
     * leader election's namespace, identity and durations for its per-replica Leases; replaces the
     * single Lease when on.
     */
    interface Sharding {
        @WithDefault("false")
        boolean enabled();

        /** The label value that groups the replicas' Leases; unset: the leader election's lease name. */
        Optional<String> group();
    }

    Metrics metrics();

    interface Metrics {
        /**
         * {@code false} drops the namespace, name, domain and host labels, so that {@code /q/metrics} says
         * nothing about any tenant (only totals by verdict and stage remain).
         */
        @WithDefault("true")
        boolean tenantLabels();
    }

    interface Api {
        Checks checks();

        Auth auth();

        /** Every {@code /api/**} request and {@code /q/metrics} reviewed by the API server (TokenReview, SubjectAccessReview). */
        interface Auth {
            @WithDefault("false")
            boolean enabled();

            /** With {@link #enabled()}, {@code /q/metrics} needs {@code get} on the non-resource URL {@code /metrics} too. */
            @WithDefault("true")
            boolean metrics();

            /** How long one review's answer is reused, as kube-rbac-proxy does; a revoked binding takes effect after this. */
            @WithDefault("10s")
            @WithConverter(OffOrDurationConverter.class)
            Duration cacheTtl();

            /** Answers kept at most, per kind (tokens, decisions); the oldest goes first. */
            @WithDefault("4096")
            int cacheSize();
        }

        interface Checks {
            /** {@code POST /api/v1/checks} lets callers make the operator connect anywhere the egress policy allows. */
            @WithDefault("false")
            boolean enabled();

            /** The namespace whose {@code smtpprobes/checks} RBAC governs a check that names none ({@code ?namespace=}). */
            @WithDefault("default")
            String namespace();

            /** Checks one caller may start per {@link #rateWindow()}; more get 429 with {@code Retry-After}. */
            @WithDefault("10")
            int rateLimit();

            @WithDefault("1m")
            @WithConverter(GoDurationConverter.class)
            Duration rateWindow();

            /** Checks admitted at once, across callers (running or waiting for a probe slot); more get 503. */
            @WithDefault("16")
            int maxPending();
        }
    }
}
