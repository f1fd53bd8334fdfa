package io.smtpprobe.operator.status;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Keeps one {@code .status} under a byte budget, so that its write can always succeed: etcd takes
 * an object of at most 1.5 MiB, spec and metadata included, and every write of it goes to every
 * watcher. Details go first and summaries stay: result, reason, message, conditions and counts are
 * never touched, and a status that fits is returned as it is. What was left out is said in
 * {@code truncated} and {@code truncation}; the REST API keeps the full result.
 *
 * <p>Sizes are those of the JSON the API server stores: fabric8's serialization (what the client
 * sends), counted in UTF-8 octets, with {@code <}, {@code >} and {@code &} counted as the six octets
 * Go's encoder writes for them ({@code \u003c}), so that a server answering in angle brackets cannot
 * make the stored object larger than measured.
 */
public final class StatusBudget {
    /** etcd's default request limit ({@code --max-request-bytes}), which bounds one stored object. */
    public static final int OBJECT_LIMIT = 1536 * 1024;
    /**
     * Room for the spec at its CRD maximum (about 390 KB counted at six octets a character, see
     * StatusBudgetWorstCaseTest) and metadata: annotations are at most 256 KiB (a kubectl
     * last-applied copy of the spec among them), labels, managed fields and the rest 64 KiB.
     */
    public static final int RESERVED_FOR_SPEC_AND_METADATA = 400 * 1024 + 256 * 1024 + 64 * 1024;
    /** The largest budget that can be configured: what is left of the object for the status. */
    public static final int MAX_BYTES = OBJECT_LIMIT - RESERVED_FOR_SPEC_AND_METADATA;
    /** Below this not even the summaries of a spec's 100 domains would fit. */
    public static final int MIN_BYTES = 64 * 1024;
    public static final int DEFAULT_BYTES = 512 * 1024;
    static final String FULL_RESULT = "the REST API has the full result";

    private static final KubernetesSerialization DEFAULT_SERIALIZATION = new KubernetesSerialization();

    /** One way to shrink, in the order they are tried, each on top of the ones before. */
    private record Step(String leftOut, UnaryOperator<List<DomainStatus>> apply) {
    }

    private static final List<Step> STEPS = List.of(
            new Step("TLS, extensions and latencies of accepted servers",
                    domains -> eachServer(domains, (d, s) -> isAccepted(s) ? withoutDetails(s) : s)),
            new Step("TLS, extensions and latencies of failing servers but the deciding one",
                    domains -> eachServer(domains, (d, s) -> s == deciding(d) ? s : withoutDetails(s))),
            new Step("servers other than the deciding one",
                    domains -> domains.stream().map(StatusBudget::onlyDeciding).toList()),
            new Step("MX lists and the deciding server's TLS, extensions and latencies",
                    domains -> domains.stream().map(d -> copy(d, null, servers(d).stream().map(StatusBudget::withoutDetails).toList()))
                            .toList()));

    private final int maxBytes;
    private final KubernetesSerialization serialization;

    public StatusBudget() {
        this(DEFAULT_BYTES);
    }

    public StatusBudget(int maxBytes) {
        this(maxBytes, DEFAULT_SERIALIZATION);
    }

    /** @param serialization the client's, so that sizes are measured as the client writes the object */
    public StatusBudget(int maxBytes, KubernetesSerialization serialization) {
        this(maxBytes, serialization, true);
    }

    /** No budget at all: for tests that measure what the budget saves. */
    static StatusBudget unlimited() {
        return new StatusBudget(Integer.MAX_VALUE, DEFAULT_SERIALIZATION, false);
    }

    private StatusBudget(int maxBytes, KubernetesSerialization serialization, boolean withinRange) {
        if (withinRange && (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES)) {
            throw new IllegalArgumentException("smtpprobe.status-max-bytes must be within " + MIN_BYTES + ".." + MAX_BYTES
                    + " (the object limit " + OBJECT_LIMIT + " less room for the spec and metadata): " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.serialization = Objects.requireNonNull(serialization);
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The status itself when it fits, else a copy with details left out until it does. */
    public SmtpProbeStatus fit(SmtpProbeStatus status) {
        if (status == null || status.domains() == null || status.domains().isEmpty() || size(status) <= maxBytes) {
            return status;
        }
        var domains = status.domains();
        var leftOut = new ArrayList<String>();
        for (Step step : STEPS) {
            var smaller = step.apply().apply(domains);
            if (smaller.equals(domains)) {
                continue;
            }
            domains = smaller;
            leftOut.add(step.leftOut());
            var candidate = marked(status, domains, leftOut);
            if (size(candidate) <= maxBytes) {
                return candidate;
            }
        }
        return fewerDomains(status, domains, leftOut);
    }

    /**
     * The last resort: healthy domains go first, from the end, then any from the end, so that what
     * stays is in spec order and the failing ones are the last to go.
     */
    private SmtpProbeStatus fewerDomains(SmtpProbeStatus status, List<DomainStatus> domains, List<String> leftOut) {
        var kept = new ArrayList<>(domains);
        int total = domains.size();
        var candidate = marked(status, kept, leftOut, total);
        long excess = size(candidate) - maxBytes;
        while (excess > 0 && !kept.isEmpty()) {
            int drop = lastIndexOf(kept, true);
            excess -= size(kept.remove(drop == -1 ? kept.size() - 1 : drop)) + 1;
            if (excess <= 0) {
                // the marker grows with the count: measure for real before stopping
                candidate = marked(status, kept, leftOut, total);
                excess = size(candidate) - maxBytes;
            }
        }
        return marked(status, kept, leftOut, total);
    }

    private static int lastIndexOf(List<DomainStatus> domains, boolean healthy) {
        for (int i = domains.size() - 1; i >= 0; i--) {
            if ((domains.get(i).result() == io.smtpprobe.api.v1alpha1.Outcome.Success) == healthy) {
                return i;
            }
        }
        return -1;
    }

    private static SmtpProbeStatus marked(SmtpProbeStatus status, List<DomainStatus> domains, List<String> leftOut) {
        return status.toBuilder().domains(domains).truncated(true)
                .truncation("left out to stay under the status budget: " + String.join("; ", leftOut) + "; " + FULL_RESULT).build();
    }

    private static SmtpProbeStatus marked(SmtpProbeStatus status, List<DomainStatus> kept, List<String> leftOut, int total) {
        var all = new ArrayList<>(leftOut);
        all.add((total - kept.size()) + " of " + total + " domains");
        return marked(status, kept, all);
    }

    /** Octets of this object as the API server stores it (see the class comment). */
    public long size(Object value) {
        return storedOctets(serialization.asJson(value));
    }

    static long storedOctets(String json) {
        long octets = 0;
        for (int i = 0; i < json.length(); ) {
            int c = json.codePointAt(i);
            i += Character.charCount(c);
            if (c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                octets += 6;
            } else if (c < 0x80) {
                octets += 1;
            } else if (c < 0x800) {
                octets += 2;
            } else if (c < 0x10000) {
                octets += 3;
            } else {
                octets += 4;
            }
        }
        return octets;
    }

    private interface ServerChange {
        ServerStatus apply(DomainStatus domain, ServerStatus server);
    }

    private static List<DomainStatus> eachServer(List<DomainStatus> domains, ServerChange change) {
        return domains.stream().map(d -> copy(d, d.mx(), servers(d).stream().map(s -> change.apply(d, s)).toList())).toList();
    }

    private static DomainStatus onlyDeciding(DomainStatus domain) {
        var deciding = deciding(domain);
        return copy(domain, domain.mx(), deciding == null ? List.of() : List.of(deciding));
    }

    /** As {@code DomainResult.deciding()}: the first server that ended with the domain's reason. */
    static ServerStatus deciding(DomainStatus domain) {
        for (var s : servers(domain)) {
            if (Objects.equals(s.reason(), domain.reason())) {
                return s;
            }
        }
        return null;
    }

    private static boolean isAccepted(ServerStatus server) {
        return io.smtpprobe.core.Reason.Accepted.name().equals(server.reason());
    }

    private static List<ServerStatus> servers(DomainStatus domain) {
        return domain.servers() == null ? List.of() : domain.servers();
    }

    /** Who, where and what the server answered stay; its EHLO keywords, TLS facts and timings go. */
    private static ServerStatus withoutDetails(ServerStatus s) {
        return new ServerStatus(s.host(), s.address(), s.port(), s.preference(), s.stage(), s.reply(), s.reason(), null, null, null);
    }

    private static DomainStatus copy(DomainStatus d, List<DomainStatus.MxStatus> mx, List<ServerStatus> servers) {
        return new DomainStatus(d.domain(), d.result(), d.reason(), d.message(), mx, d.servers() == null ? null : servers,
                d.expected(), d.actual(), d.expectationMet(), d.transportSecurity());
    }
}
