package io.smtpprobe.engine.sts;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.TransportSecurity.ResultType;
import java.util.List;

/**
 * What discovery found for one domain: its MTA-STS policy (or why none is usable) and its TLS-RPT targets.
 *
 * @param id      the TXT record's id; null without a usable record
 * @param policy  the policy in force; null when there is none
 * @param failure why a published policy is unusable; null when there is none or it is usable
 * @param rua     the TLS-RPT {@code rua} targets
 */
public record StsFinding(String id, StsPolicy policy, ResultType failure, Reason reason, String detail, List<String> rua) {
    public StsFinding {
        rua = rua == null ? List.of() : List.copyOf(rua);
    }

    static StsFinding none(List<String> rua) {
        return new StsFinding(null, null, null, null, null, rua);
    }

    static StsFinding invalid(String id, String detail, List<String> rua) {
        return new StsFinding(id, null, ResultType.STS_POLICY_INVALID, Reason.MtaStsPolicyInvalid, detail, rua);
    }

    static StsFinding fetchFailed(String id, PolicyFetch fetch, List<String> rua) {
        return new StsFinding(id, null, fetch.failure(), fetch.reason(), fetch.detail(), rua);
    }

    static StsFinding policy(String id, StsPolicy policy, List<String> rua) {
        return new StsFinding(id, policy, null, null, null, rua);
    }

    /** A TXT record announced a policy, usable or not. */
    public boolean published() {
        return policy != null || failure != null;
    }
}
